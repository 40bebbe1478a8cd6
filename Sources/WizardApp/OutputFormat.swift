import RunViews

/// What a command that runs steps prints on standard output: lines for people, or one JSON object per event.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json
}

extension PreflightView {
    /// Preflight's view for a command's `--output`.
    init(_ output: OutputFormat) {
        self.init(format: output == .json ? .jsonLines : .text)
    }
}
