import Foundation

/// The result of running a program to completion.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `path` with `args` to completion: optional stdin text, environment (nil: inherit) and folder.
/// With `timeout`, the program gets SIGINT after that many seconds (the wizard then stops its step and
/// exits 130) and SIGKILL 10 s later, so a hung command fails a test instead of hanging it.
public func runProcess(_ path: String, _ args: [String], stdin: String? = nil, env: [String: String]? = nil,
                       cwd: URL? = nil, timeout: TimeInterval? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = args
    if let env { process.environment = env }
    if let cwd { process.currentDirectoryURL = cwd }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = stdin.map { _ in Pipe() }
    process.standardInput = input ?? FileHandle.nullDevice
    try Spawn.start(process)
    let finished = DispatchSemaphore(value: 0)
    if let timeout {
        let pid = process.processIdentifier
        DispatchQueue.global().async {
            if finished.wait(timeout: .now() + timeout) == .timedOut {
                kill(pid, SIGINT)
                if finished.wait(timeout: .now() + 10) == .timedOut { kill(pid, SIGKILL) }
            }
        }
    }
    if let input, let stdin {
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
    }
    // Drain both pipes before waiting so a chatty child never blocks on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    finished.signal()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}
