import Foundation
import RunModel
import RunViews
import SetupPlan
import SetupRunner
import Synchronization

/// `submit`: a RayJob on the RayCluster of a workspace's finished setup, applied through the setup's kube context and
/// followed (its status as KubeRay writes it, the submitter's log) until the job ends.
public struct SubmitSession: Sendable {
    public let workspace: URL
    public let submission: JobSubmission
    /// Seconds between reads of the RayJob's status until the job runs with its log followed, then while it does: the
    /// log's end (the job's) is read at once, so a job of hours costs a kubectl call every few seconds, not every second.
    public var pollSeconds: Double = 1
    public var followingPollSeconds: Double = 5

    /// The session for `argv` in `workspace`; prints why and throws `ExitStatus(2)` when there is no command, no
    /// finished setup, or answers that are no longer valid.
    public static func load(workspace path: String, argv: [String]) throws -> SubmitSession {
        let answers = try FinishedSetup.answers(workspace: path, command: "submit")
        do {
            return SubmitSession(workspace: URL(fileURLWithPath: path), submission: try JobSubmission(answers, argv: argv, suffix: Self.suffix()))
        } catch {
            Console.error("error: no command to run: \(error.rule), e.g. "
                + WorkspaceFiles.submitCommand(workspace: path, entrypoint: "python train.py"))
            throw ExitStatus(2)
        }
    }

    /// Five lowercase letters and digits, as Kubernetes makes a generated name unique.
    static func suffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }

    /// Checks the RayCluster, writes and applies the RayJob, and with `wait` follows it to its end. Returns 0
    /// succeeded (or submitted, without `wait`), 1 failed, 2 nothing submitted (the cluster is gone), 130 interrupted.
    public func run(wait: Bool, view: SubmitView) async throws -> Int32 {
        let path = workspace.path
        let cluster = await QuickCommand.read(submission.clusterRead, timeoutSeconds: 120)
        guard cluster.exitCode == 0 else {
            let said = cluster.stderr.split(separator: "\n").last.map(String.init) ?? "exit \(cluster.exitCode ?? -1)"
            let answers = submission.answers
            Console.error("error: the RayCluster \(answers.ray.clusterName) (namespace \(answers.identity.namespace), kube context "
                + "\(answers.kubeContext)) cannot be read: \(said)")
            Console.error("Nothing was submitted. Make it again with \(WorkspaceFiles.applyCommand(workspace: path)); "
                + "\(WorkspaceFiles.doctorCommand(workspace: path)) finds what is missing.")
            return 2
        }
        let folder = workspace.appendingPathComponent(WorkspaceFiles.jobs)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = workspace.appendingPathComponent(submission.file)
        try Workspace(url: workspace).writeFile(submission.file, contents: submission.yaml)
        view.show(.written(job: submission.name, path: file.path, entrypoint: submission.entrypoint))
        let applied = await QuickCommand.read(submission.apply(path: file.path), timeoutSeconds: 120)
        guard applied.exitCode == 0 else {
            Console.error("error: kubectl apply -f \(file.path) failed (exit \(applied.exitCode ?? -1)):\n\(applied.stderr)")
            return 1
        }
        view.show(.applied(job: submission.name, cluster: submission.answers.ray.clusterName))
        guard wait else {
            view.show(.detached(job: submission.name, follow: submission.followCommands))
            return 0
        }
        let result = await follow(view: view)
        view.show(.finished(result))
        return result.exitCode
    }

    /// Reads the RayJob's status until it ends, showing each change; follows the submitter's log once its pod runs
    /// (again while the log cannot be read yet: a container that is still starting has none).
    func follow(view: SubmitView) async -> SubmitResult {
        let stopped = Mutex(false)
        let follower = LineFollower()
        let signals = InterruptSignals { _ in
            stopped.withLock { $0 = true }
            follower.stop()
        }
        defer { signals.remove() }
        let log = LogProgress()
        var last: RayJobStatus?
        var logTask: Task<Void, Never>?
        var announced = false
        var notes: Set<String> = []
        while !stopped.withLock({ $0 }) {
            let read = await QuickCommand.read(submission.statusRead, timeoutSeconds: 60)
            if read.exitCode == 0, let status = Self.status(json: read.stdout), status != last {
                last = status
                view.show(.status(status))
            } else if read.exitCode != 0, read.stderr.contains("(NotFound)") {
                // Deleted while followed (kubectl delete, the namespace gone): there is nothing left to wait for.
                follower.stop()
                await logTask?.value
                let said = read.stderr.split(separator: "\n").last.map(String.init) ?? ""
                return .failed(reason: "NotFound", message: "the RayJob \(submission.name) is gone: \(said)")
            }
            if log.state.withLock({ $0.failed }) {
                log.state.withLock { $0.failed = false }
                logTask = nil
            }
            let pod = logTask == nil && last?.jobDeploymentStatus != "Initializing" ? await submitterPod() : nil
            if logTask == nil, pod == nil, last?.jobDeploymentStatus == "Running" {
                for note in await submitterEvents() where !notes.contains(note) {
                    notes.insert(note)
                    view.show(.note(note))
                }
            }
            if logTask == nil, let pod {
                if !announced { view.show(.following(pod: pod)) }
                announced = true
                let argv = submission.followLog(pod: pod)
                logTask = Task {
                    let result = await follower.run(argv) { line in
                        log.state.withLock { $0.received = true }
                        view.show(.log(line))
                    }
                    log.state.withLock {
                        $0.failed = result.exitCode != 0 && !$0.received
                        $0.ended = !$0.failed
                    }
                }
            }
            if let outcome = last?.outcome {
                // The log ends with the job; a log that cannot be read is not waited for long.
                if let logTask { await Self.awaitOrStop(logTask, follower: follower, seconds: 15) }
                return outcome
            }
            // The log's end wakes the wait once; after it, KubeRay's final status is read every `pollSeconds`.
            let endedBefore = log.state.withLock { $0.ended }
            let seconds = logTask != nil && last?.jobStatus == "RUNNING" && !endedBefore ? followingPollSeconds : pollSeconds
            let until = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
            while ContinuousClock.now < until, endedBefore || !log.state.withLock({ $0.ended }), !stopped.withLock({ $0 }) {
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        follower.stop()
        await logTask?.value
        return .interrupted(follow: submission.followCommands)
    }

    /// The Events of the submitter's Job, each once; none when they cannot be read.
    private func submitterEvents() async -> [String] {
        let read = await QuickCommand.read(submission.submitterEventsRead, timeoutSeconds: 60)
        guard read.exitCode == 0 else { return [] }
        return read.stdout.split(separator: "\n").map(String.init)
    }

    /// The submitter's pod once it has started (its log can be read), else nil.
    private func submitterPod() async -> String? {
        let read = await QuickCommand.read(submission.submitterPodsRead, timeoutSeconds: 60)
        guard read.exitCode == 0 else { return nil }
        for line in read.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, ["Running", "Succeeded", "Failed"].contains(String(fields[1])) { return String(fields[0]) }
        }
        return nil
    }

    private static func awaitOrStop(_ task: Task<Void, Never>, follower: LineFollower, seconds: Double) async {
        let done = Task {
            try? await Task.sleep(for: .seconds(seconds))
            follower.stop()
        }
        await task.value
        done.cancel()
    }

    /// The `status` of a RayJob read as JSON; nil when it cannot be read.
    static func status(json: String) -> RayJobStatus? {
        struct Object: Decodable { var status: RayJobStatus? }
        guard let object = try? JSONDecoder().decode(Object.self, from: Data(json.utf8)) else { return nil }
        return object.status ?? RayJobStatus()
    }
}

/// Whether a line of the submitter's log has come, whether the last try to follow it ended without one, and whether
/// the log has ended (with the job).
private final class LogProgress: Sendable {
    let state = Mutex((received: false, failed: false, ended: false))
}
