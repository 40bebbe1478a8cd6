import Foundation
import RunModel

/// Every byte `submit` prints about its RayJob: lines for people, or JSON Lines (`--output json`) with the events
/// `job-written`, `job-applied`, `job-status`, `job-note`, `job-following`, `job-output`, `job-detached` and `job-finished`
/// (`result` succeeded, failed or interrupted; `reason` and `message` as KubeRay recorded them; `exitCode`).
public struct SubmitView: Sendable {
    private let json: Bool
    private let write: @Sendable (String) -> Void

    /// A view writing text, or JSON Lines when `json`, to `write` (stdout by default).
    public init(json: Bool, write: @escaping @Sendable (String) -> Void = Console.out) {
        self.json = json
        self.write = write
    }

    /// Writes `event` as it happens: its lines, or one JSON line.
    public func show(_ event: SubmitEvent) {
        if json { showJSON(event) } else { for line in Self.text(event) { write(line) } }
    }

    /// The lines for `event` as people read them.
    public static func text(_ event: SubmitEvent) -> [String] {
        switch event {
        case .written(let job, let path, let entrypoint):
            // A program given inline (`python -c '...'`) is shown by its first line; the file holds all of it.
            let lines = entrypoint.split(separator: "\n", omittingEmptySubsequences: false)
            return ["RayJob \(job): \(lines[0])\(lines.count > 1 ? " ..." : "")", "  written to \(path)"]
        case .applied(_, let cluster):
            return ["  applied; it runs on RayCluster \(cluster), the submitter as the KSA"]
        case .status(let status):
            let job = status.jobStatus.isEmpty ? "" : ", job \(status.jobStatus)"
            return ["  status: \(status.jobDeploymentStatus.isEmpty ? "New" : status.jobDeploymentStatus)\(job)"]
        case .note(let text):
            return ["  submitter: \(text)"]
        case .following(let pod):
            return ["  log of the submitter pod \(pod):"]
        case .log(let line):
            return ["  | " + line]
        case .detached(let job, let follow):
            return ["Submitted \(job); not waiting for it. Follow it with:"] + follow.map { "  " + $0 }
        case .finished(.succeeded):
            return ["Succeeded."]
        case .finished(.failed(let reason, let message)):
            let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
            return ["Failed (\(reason)):"] + (message.isEmpty ? [] : lines)
        case .finished(.interrupted(let follow)):
            return ["Stopped following; the RayJob runs on. Follow it with:"] + follow.map { "  " + $0 }
        }
    }

    private func showJSON(_ event: SubmitEvent) {
        let line: String?
        switch event {
        case .written(let job, let path, let entrypoint):
            line = JSONLine.encode(event: "job-written", ["job": job, "path": path, "entrypoint": entrypoint])
        case .applied(let job, let cluster):
            line = JSONLine.encode(event: "job-applied", ["job": job, "cluster": cluster])
        case .status(let status):
            line = JSONLine.encode(event: "job-status", status)
        case .note(let text):
            line = JSONLine.encode(event: "job-note", ["note": text])
        case .following(let pod):
            line = JSONLine.encode(event: "job-following", ["pod": pod])
        case .log(let text):
            line = JSONLine.encode(event: "job-output", ["line": text])
        case .detached(let job, let follow):
            line = JSONLine.encode(event: "job-detached", Detached(job: job, follow: follow))
        case .finished(let result):
            line = JSONLine.encode(event: "job-finished", Finished(result))
        }
        if let line { write(line) }
    }

    private struct Detached: Encodable {
        var job: String
        var follow: [String]
    }

    private struct Finished: Encodable {
        var result: String
        var reason: String?
        var message: String?
        var follow: [String]?
        var exitCode: Int32

        init(_ outcome: SubmitResult) {
            exitCode = outcome.exitCode
            switch outcome {
            case .succeeded: result = "succeeded"
            case .failed(let reason, let message):
                result = "failed"
                self.reason = reason
                self.message = message
            case .interrupted(let follow):
                result = "interrupted"
                self.follow = follow
            }
        }
    }
}
