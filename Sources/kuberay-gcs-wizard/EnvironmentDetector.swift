import Dispatch
import Foundation
import Synchronization
import WizardModel

/// Finds the tools and gcloud's defaults for the welcome screen, all probes at once, each with a time limit.
enum EnvironmentDetector {
    private static let probes: [(key: String, argv: [String])] = [
        ("gcloud", ["gcloud", "--version"]),
        ("kubectl", ["kubectl", "version", "--client"]),
        ("gke-gcloud-auth-plugin", ["gke-gcloud-auth-plugin", "--version"]),
        ("helm", ["helm", "version", "--short"]),
        ("account", ["gcloud", "config", "get-value", "account"]),
        ("project", ["gcloud", "config", "get-value", "project"]),
        ("zone", ["gcloud", "config", "get-value", "compute/zone"]),
    ]

    /// Runs every probe in parallel and returns what they found. Blocks: call it off the UI thread.
    static func detect(environment: [String: String] = [:], timeoutSeconds: Double = 15) -> Detection {
        let results = Mutex<[String: ProbeResult]>([:])
        let group = DispatchGroup()
        for probe in probes {
            group.enter()
            // A thread each, not the global queue: its width is the core count and these block in read(2), so
            // on two cores the seven probes ran two at a time (gcloud alone takes about half a second to start).
            let thread = Thread {
                let result = run(probe.argv, environment: environment, timeoutSeconds: timeoutSeconds)
                results.withLock { $0[probe.key] = result }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let found = results.withLock { $0 }
        func value(_ key: String) -> String? {
            guard case .output(let status, let line)? = found[key], status == 0, !line.isEmpty, line != "(unset)" else { return nil }
            return line
        }
        let tools = Detection.toolNames.map { name -> DetectedTool in
            switch found[name] {
            case .output(let status, let line)?:
                // 127 is env's "no such program"; any other status means the tool is there, just unhappy.
                return DetectedTool(name: name, version: status == 127 ? nil : line)
            case .failedToStart?, nil:
                return DetectedTool(name: name, version: nil)
            }
        }
        return Detection(tools: tools, account: value("account"), project: value("project"), zone: value("zone"))
    }

    enum ProbeResult {
        case output(status: Int32, firstLine: String)
        case failedToStart
    }

    /// Runs `argv` through /usr/bin/env with no terminal attached (the TUI owns it) and returns its first stdout line.
    static func run(_ argv: [String], environment: [String: String], timeoutSeconds: Double) -> ProbeResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failedToStart
        }
        let box = ProcessBox(process)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds) {
            if box.process.isRunning { box.process.terminate() }
        }
        // Reading to EOF before waiting means a chatty program can never fill the pipe and stall.
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let first = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return .output(status: process.terminationStatus, firstLine: String(first.prefix(200)))
    }
}

/// Lets the timeout closure reach the process; Process is thread-safe for isRunning/terminate.
private final class ProcessBox: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
}
