import Foundation

/// One command of the plan: what it does, why, the exact argv, and how to tell it is already done.
public struct Step: Equatable, Hashable, Sendable, Codable {
    /// Stable across runs and answer changes; the journal keys on it.
    public var id: StepID
    public var title: String
    /// One line: why this step exists.
    public var why: String
    /// Run as is, never through a shell. May hold `${NAME}` placeholders filled at run time.
    public var argv: [String]
    /// Proves the step's effect already exists (resume, re-runs); nil means always run.
    public var probe: Probe?
    /// What output counts as success beyond exit status 0.
    public var success: OutputCheck
    /// Values this step's stdout provides to later steps, e.g. `PROJECT_NUMBER`.
    public var captures: [String]
    /// Workspace files this step reads or produces (shown in the plan, written by export).
    public var files: [String]
    public var kind: StepKind
    /// Seconds before the step is stopped.
    public var timeoutSeconds: Int
    /// Retries with backoff for steps whose failure can be transient (pod start, metadata server).
    public var retry: RetryPolicy?
    /// How `destroy` removes what this step made; nil when there is nothing to remove or it is left as it is.
    public var teardown: Teardown?
    /// Runs only when a value read earlier says so; otherwise the step is skipped. nil means always.
    public var runsWhen: StepCondition?
    /// What the command reads on its standard input; nil means nothing (/dev/null).
    public var input: StepInput?
    /// The pods a wait step waits for, read when it fails to say why they are not Ready.
    public var pods: PodWait?
    /// The steps whose effect this one reads (the cluster, the service account, the bucket...): it may start once
    /// they are done. Each comes earlier in the plan, so the plan's order is also a valid one-at-a-time order.
    public var needs: [StepID]
    /// The RayJob a wait step waits for, read when it fails to say why the job did not succeed.
    public var rayJob: RayJobWait?
    /// Earlier steps that `resume` runs again before this one when this one failed or was cut off: what it proves
    /// must be set up afresh (a new check RayJob, a policy file the person corrected). nil: none.
    public var restartsWith: [StepID]?

    public init(
        id: StepID, title: String, why: String, argv: [String], probe: Probe? = nil,
        success: OutputCheck = .exitZero, captures: [String] = [], files: [String] = [],
        kind: StepKind, timeoutSeconds: Int = 300, retry: RetryPolicy? = nil, teardown: Teardown? = nil,
        runsWhen: StepCondition? = nil, input: StepInput? = nil, pods: PodWait? = nil, needs: [StepID] = [],
        rayJob: RayJobWait? = nil, restartsWith: [StepID]? = nil
    ) {
        self.id = id
        self.title = title
        self.why = why
        self.argv = argv
        self.probe = probe
        self.success = success
        self.captures = captures
        self.files = files
        self.kind = kind
        self.timeoutSeconds = timeoutSeconds
        self.retry = retry
        self.teardown = teardown
        self.runsWhen = runsWhen
        self.input = input
        self.pods = pods
        self.needs = needs
        self.rayJob = rayJob
        self.restartsWith = restartsWith
    }

    /// The `${NAME}` placeholders this step needs filled before it can run.
    public var placeholders: [String] {
        Placeholder.names(in: argv + (probe?.argv ?? []) + (runsWhen.map { ["${\($0.placeholder)}"] } ?? []))
    }
}

/// A step that runs only when a value an earlier step read (a `${NAME}` capture) is `equals`.
public struct StepCondition: Equatable, Hashable, Sendable, Codable {
    public var placeholder: String
    public var equals: String

    public init(placeholder: String, equals: String) {
        self.placeholder = placeholder
        self.equals = equals
    }

    /// Whether the step runs with these read values.
    public func holds(_ values: [String: String]) -> Bool { values[placeholder] == equals }
}

/// What a step's command reads on standard input. Never a value of the plan: what is fed is made at run time and
/// kept out of the argv, the logs and the journal.
public enum StepInput: String, Equatable, Hashable, Sendable, Codable {
    /// A fresh random token (32 random bytes as 64 hex digits), e.g. for a Secret the command creates from
    /// `/dev/stdin`.
    case randomToken = "random-token"

    /// A shell pipeline that writes what the command reads, for setup.sh and for fixes a person types.
    public var shellCommand: String {
        switch self {
        case .randomToken: return "od -An -vtx1 -N32 /dev/urandom | tr -d ' \\n'"
        }
    }
}

/// What a step does to the world; `create` steps are the ones a re-run must never repeat, `delete` steps `destroy` runs.
public enum StepKind: String, Equatable, Hashable, Sendable, Codable {
    case check, create, update, configure, verify, delete
}

/// A read-only command whose success means the step's effect is already there.
public struct Probe: Equatable, Hashable, Sendable, Codable {
    public var argv: [String]
    public var expect: OutputCheck
    /// The step's command answers "already exists" for what is there at once (counted as done), so a step no run of
    /// the workspace has started goes straight to it; the probe runs for a step an earlier run started (it may have
    /// stopped midway, the thing half made).
    public var onlyAfterAnEarlierStart: Bool

    public init(argv: [String], expect: OutputCheck = .exitZero, onlyAfterAnEarlierStart: Bool = false) {
        self.argv = argv
        self.expect = expect
        self.onlyAfterAnEarlierStart = onlyAfterAnEarlierStart
    }
}

/// How a command's stdout is judged after it exits 0.
public enum OutputCheck: Equatable, Hashable, Sendable, Codable {
    /// Exit status 0 is enough.
    case exitZero
    /// Trimmed stdout is not empty.
    case nonEmpty
    /// Trimmed stdout equals the value (case-insensitive for True/true style flags).
    case equals(String)
    /// Some line or whitespace-separated word of stdout equals each value.
    case containsAll([String])
    /// Some line or whitespace-separated word of stdout equals one of the values.
    case containsAny([String])
    /// Some line of stdout, split on whitespace, is exactly these fields (a role and its member, say).
    case hasLine([String])
    /// The other check rejects stdout: a binding or an object is no longer listed.
    indirect case not(OutputCheck)

    /// Whether `stdout` passes this check.
    public func accepts(_ stdout: String) -> Bool {
        // Before trimming: a step judged by its exit status alone may have printed a megabyte.
        if self == .exitZero { return true }
        let trimmed = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        switch self {
        case .exitZero: return true
        case .nonEmpty: return !trimmed.isEmpty
        case .equals(let value): return trimmed.lowercased() == value.lowercased()
        case .containsAll(let values):
            let words = Set(trimmed.split(whereSeparator: { $0.isWhitespace || $0 == ";" || $0 == "," }).map(String.init))
            return values.allSatisfy(words.contains)
        case .containsAny(let values):
            return values.contains { OutputCheck.containsAll([$0]).accepts(stdout) }
        case .hasLine(let fields):
            return trimmed.split(whereSeparator: \.isNewline).contains { $0.split(whereSeparator: \.isWhitespace).map(String.init) == fields }
        case .not(let check):
            return !check.accepts(stdout)
        }
    }

    /// What stdout must show, as "this step expects ..." ends (`"RUNNING"`, `v1`, `output`); nil for a check of the exit
    /// status alone, or the negation of one that names values.
    public var expectation: String? {
        switch self {
        case .exitZero: return nil
        case .nonEmpty: return "output"
        case .equals(let value): return "\"\(value)\""
        case .containsAll(let values): return values.joined(separator: ", ")
        case .containsAny(let values): return values.joined(separator: " or ")
        case .hasLine(let fields): return "the line \(fields.joined(separator: " "))"
        case .not(.nonEmpty): return "nothing"
        case .not: return nil
        }
    }

    /// The check with `${NAME}` placeholders in its values filled from `values` (a member naming the project number).
    public func substituting(_ values: [String: String]) -> OutputCheck {
        let fill = { (value: String) in Placeholder.substitute(value, values) }
        switch self {
        case .exitZero, .nonEmpty: return self
        case .equals(let value): return .equals(fill(value))
        case .containsAll(let items): return .containsAll(items.map(fill))
        case .containsAny(let items): return .containsAny(items.map(fill))
        case .hasLine(let fields): return .hasLine(fields.map(fill))
        case .not(let check): return .not(check.substituting(values))
        }
    }
}

/// `${NAME}` placeholders for values known only at run time.
public enum Placeholder {
    public static let projectNumber = "PROJECT_NUMBER"
    /// The RayCluster file the operator can take: raycluster.yaml with `authOptions`, or its manual-auth form.
    public static let rayClusterManifest = "RAYCLUSTER_MANIFEST"

    /// The placeholder names that appear in `strings`, in order of first appearance.
    public static func names(in strings: [String]) -> [String] {
        var found: [String] = []
        for string in strings {
            var rest = Substring(string)
            while let start = rest.range(of: "${") {
                let after = rest[start.upperBound...]
                guard let end = after.firstIndex(of: "}") else { break }
                let name = String(after[..<end])
                if !found.contains(name) { found.append(name) }
                rest = after[after.index(after: end)...]
            }
        }
        return found
    }

    /// Replaces `${NAME}` with its value for every name in `values`.
    public static func substitute(_ string: String, _ values: [String: String]) -> String {
        values.reduce(string) { $0.replacingOccurrences(of: "${\($1.key)}", with: $1.value) }
    }
}
