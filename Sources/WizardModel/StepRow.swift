import Foundation
import RunModel
import SetupPlan

/// One step as the run and resume screens list it.
public struct StepRow: Equatable, Sendable {
    public var id: StepID
    public var title: String
    public var status: StepStatus
    /// A sub-status while running, e.g. "checking whether it is already done".
    public var note: String?
    /// What it waits for between tries, while it does.
    public var wait: StepWait?
    /// When it started in this session (elapsed time while running).
    public var startedAt: Date?
    /// How long it took, once finished.
    public var seconds: Double?

    /// A row.
    public init(id: StepID, title: String, status: StepStatus = .pending, note: String? = nil, startedAt: Date? = nil, seconds: Double? = nil) {
        self.id = id
        self.title = title
        self.status = status
        self.note = note
        self.startedAt = startedAt
        self.seconds = seconds
    }
}
