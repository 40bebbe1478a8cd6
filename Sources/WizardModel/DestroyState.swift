import SetupPlan

/// The destroy screen: what a destroy removes and keeps, previewed like the review's commands, and its confirmation.
public struct DestroyState: Equatable, Sendable {
    public var plan: DestroyPlan
    /// The run created the bucket, so the person may choose to delete it too.
    public var canDeleteBucket: Bool
    /// The preview text (`DestroyPlanText`), scrolled.
    public var pane: ScrollView
    /// What the bucket holds ("N objects, S bytes"), once read; shown before it is deleted.
    public var usage: String?
    /// The confirmation's text: the bucket's name, typed out when the bucket goes.
    public var typed: LineEditor
    /// Where Back returns to.
    public var returnTo: Screen

    public init(plan: DestroyPlan, canDeleteBucket: Bool, width: Int, returnTo: Screen) {
        self.plan = plan
        self.canDeleteBucket = canDeleteBucket
        pane = ScrollView(DestroyPlanText.render(plan).trimmingTrailingNewlines().split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init), width: width)
        usage = nil
        typed = LineEditor()
        self.returnTo = returnTo
    }

    /// Something would be deleted (else the preview only says there is nothing to delete).
    public var deletes: Bool { plan.plan.steps.contains { $0.kind == .delete } }
}
