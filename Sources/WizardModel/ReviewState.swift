import Cells
import SetupPlan

/// The review screen: the plan built once on entry and its three preview tabs.
public struct ReviewState: Equatable, Sendable {
    /// Exactly what `apply` would run for these answers.
    public var plan: Plan
    /// A few labelled lines summing up the answers.
    public var summary: [ReviewSummary.Row]
    public var tab: PreviewTab
    /// One scroll view per tab, each keeping its own position (the checks tab draws `preflight` instead).
    public var panes: [PreviewTab: ScrollView]
    /// Preflight's checklist for the plan's answers.
    public var preflight: PreflightProgress?

    /// The review of `plan`, with panes wrapped at `width`.
    public init(plan: Plan, width: Int) {
        self.plan = plan
        self.summary = ReviewSummary.rows(plan)
        self.tab = .commands
        var panes: [PreviewTab: ScrollView] = [:]
        for tab in PreviewTab.allCases {
            panes[tab] = ScrollView(tab.text(of: plan).split(separator: "\n", omittingEmptySubsequences: false).map(String.init), width: width)
        }
        self.panes = panes
    }

    /// Wraps the selected tab for a pane of this size, if it is not already.
    public mutating func fit(_ pane: (rows: Int, columns: Int)) {
        preflight?.list.fit(pane)
        self.pane.rewrap(width: pane.columns)
        self.pane.clampOffset(rows: pane.rows)
    }

    /// The summary lines shown at `size` (see `ReviewSummary.fitted`).
    public func summary(fitting size: Size) -> [ReviewSummary.Row] {
        ReviewSummary.fitted(summary, width: Layout.reviewSummaryWidth(size), limit: Layout.reviewSummaryLimit(size))
    }

    /// The preview pane at `size`, below the summary lines shown there.
    public func paneGeometry(_ size: Size) -> (rows: Int, columns: Int) {
        Layout.reviewPane(size, summaryRows: summary(fitting: size).count)
    }

    /// The pane of the selected tab.
    public var pane: ScrollView {
        get { panes[tab] ?? ScrollView([], width: 1) }
        set { panes[tab] = newValue }
    }
}

/// The preview tabs.
public enum PreviewTab: Int, CaseIterable, Equatable, Hashable, Sendable {
    case commands, manifest, script, checks

    /// The tab's label.
    public var title: String {
        switch self {
        case .commands: return "Commands"
        case .manifest: return WorkspaceFiles.manifest
        case .script: return WorkspaceFiles.script
        case .checks: return "Checks"
        }
    }

    /// The tab's text for `plan`: the steps as `plan` prints them with what each waits for, the manifest file (and the
    /// network policy's), the script file.
    func text(of plan: Plan) -> String {
        switch self {
        case .commands:
            // PlanText ends with the manifest, which has its own tab.
            let text = PlanText.render(plan, needs: true)
            let cut = text.range(of: PlanText.manifestHeading).map { String(text[..<$0.lowerBound]) } ?? text
            return cut.trimmingTrailingNewlines()
        // With `ray.networkPolicy` the head's policy follows: it is applied with the RayCluster.
        case .manifest:
            return (plan.manifest + (plan.networkPolicy.map { "\n--- \(WorkspaceFiles.networkPolicy) ---\n" + $0 } ?? ""))
                .trimmingTrailingNewlines()
        case .script: return SetupScript.render(plan).trimmingTrailingNewlines()
        // Drawn from preflight's checklist.
        case .checks: return ""
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.last == "\n" { s.removeLast() }
        return s
    }
}
