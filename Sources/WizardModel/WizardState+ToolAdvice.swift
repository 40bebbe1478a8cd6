import SetupPlan

/// Answers that are valid but need a tool the environment detection did not find on this machine.
extension WizardState {
    /// The tool the answer at `path` needs and detection did not find; nil when found, not needed, or while
    /// detection runs (nothing is known yet).
    public func missingTool(for path: String) -> String? {
        guard path == "operator", answers.operator == .helm,
              detection?.tools.first(where: { $0.name == "helm" })?.isFound == false else { return nil }
        return "helm"
    }

    /// A warning beside the field at `path` when its answer needs a tool that is not on PATH here.
    public func warning(for path: String) -> String? {
        guard let tool = missingTool(for: path), let source = ToolInstall.source(tool) else { return nil }
        return "\(tool) is not on PATH here: install it (\(source)) before you run, or choose gke-addon"
    }
}
