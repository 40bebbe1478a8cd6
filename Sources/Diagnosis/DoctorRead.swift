/// One read-only command doctor runs, named so its output can be found again.
public struct DoctorRead: Equatable, Hashable, Sendable, Codable {
    /// Stable within one diagnosis, e.g. `cluster` or `exec:raycluster-mini-head-x1y2z`.
    public var id: String
    /// Run as is, never through a shell.
    public var argv: [String]
    /// Seconds before it is stopped.
    public var timeoutSeconds: Int

    public init(id: String, argv: [String], timeoutSeconds: Int = 120) {
        self.id = id
        self.argv = argv
        self.timeoutSeconds = timeoutSeconds
    }
}

/// How a read ended: its exit status and its output.
public struct ReadResult: Equatable, Sendable {
    /// nil when it could not be started (not on PATH) or was stopped.
    public var exitCode: Int32?
    public var stdout: String
    public var stderr: String

    public init(exitCode: Int32?, stdout: String, stderr: String = "") {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }

    public var succeeded: Bool { exitCode == 0 }

    /// The server said the object does not exist (kubectl NotFound; gcloud 404, NOT_FOUND or "not found").
    public var notFound: Bool {
        !succeeded && ["NotFound", "NOT_FOUND", "404", "not found", "does not exist"].contains { stderr.contains($0) }
    }

    /// kubectl has no such context: the cluster's credentials were never fetched here.
    public var missingContext: Bool {
        !succeeded && stderr.contains("context") && (stderr.contains("does not exist") || stderr.contains("not found"))
    }

    /// The last non-empty line of stderr (or a word on why there is none): evidence for a failed read.
    public var errorLine: String {
        let line = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty }
        if let line { return String(line.prefix(300)) }
        return exitCode.map { "exit status \($0)" } ?? "it could not be started"
    }
}
