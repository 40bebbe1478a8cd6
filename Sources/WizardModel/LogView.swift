import SetupPlan

/// A step's whole log shown full screen.
public struct LogView: Equatable, Sendable {
    public var stepID: StepID
    /// The step's title, for the header.
    public var title: String
    /// Relative to the workspace, e.g. `logs/05-create-iam-sa.log`.
    public var path: String
    /// Nil while loading.
    public var text: ScrollView?
    /// Why it could not be read.
    public var error: String?

    /// A log view waiting for its text.
    public init(stepID: StepID, title: String, path: String) {
        self.stepID = stepID
        self.title = title
        self.path = path
    }
}
