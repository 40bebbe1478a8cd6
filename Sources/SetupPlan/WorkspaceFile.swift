/// One file that export, apply and the wizard's Save write into the workspace.
public struct WorkspaceFile: Sendable {
    public let name: String
    /// Owner-only permissions: the manifests may name the project and bucket, the script runs.
    public let mode: Int
    private let render: @Sendable () -> String

    init(_ name: String, mode: Int = 0o600, _ render: @escaping @Sendable () -> String) {
        self.name = name
        self.mode = mode
        self.render = render
    }

    /// The file's contents, rendered when asked (listings need only the names).
    public var text: String { render() }
}

extension Plan {
    /// Every file the plan writes into the workspace, in the order listings name them.
    public var workspaceFiles: [WorkspaceFile] {
        let plan = self
        return [WorkspaceFile(WorkspaceFiles.answers) { AnswersFile.normalizedYAML(plan.answers) }]
            + (manifestFiles + rayJobFiles).map { file in WorkspaceFile(file.name) { file.text } }
            + [WorkspaceFile(WorkspaceFiles.script, mode: 0o700) { SetupScript.render(plan) }]
    }

    /// The written files as a sentence names them: "answers.yaml, raycluster.yaml, ... and setup.sh"; `compact` joins
    /// files of one stem and extension into a pattern ("raycluster*.yaml"), for screens with little room.
    public func workspaceFilesSentence(compact: Bool = false) -> String {
        let names = compact ? Self.compacted(workspaceFiles.map(\.name)) : workspaceFiles.map(\.name)
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
    }

    /// The files a run keeps, as `apply` and the wizard list them: the written ones, the journal and the logs.
    public var workspaceListing: String {
        (workspaceFiles.map(\.name) + [WorkspaceFiles.journal, WorkspaceFiles.logs + "/"]).joined(separator: ", ")
    }

    /// `names` with those sharing a stem (up to the first "-" or ".") and an extension shown once as `stem*.ext`.
    static func compacted(_ names: [String]) -> [String] {
        func key(_ name: String) -> String {
            let stem = name.prefix { $0 != "-" && $0 != "." }
            let ext = name.split(separator: ".").last.map { "." + $0 } ?? ""
            return stem + "*" + ext
        }
        var seen: [String] = []
        for name in names {
            let pattern = names.filter { key($0) == key(name) }.count > 1 ? key(name) : name
            if !seen.contains(pattern) { seen.append(pattern) }
        }
        return seen
    }
}
