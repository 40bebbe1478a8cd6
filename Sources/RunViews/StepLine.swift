import RunModel

/// Formats one step's status line, e.g. `[ 5/14] Create the IAM service account ..... done 1.8s`.
public enum StepLine {
    /// Column where the status word starts (titles are padded with dots up to it).
    public static let statusColumn = 56

    /// The line for step `index` (0-based) of `total` with `status`; `detail` follows (time, exit code).
    public static func text(index: Int, total: Int, title: String, status: String, detail: String = "") -> String {
        let width = String(total).count
        let number = String(index + 1)
        let counter = "[" + String(repeating: " ", count: max(0, width - number.count)) + number + "/\(total)]"
        // A title too long for the dots is cut, so the status and time stay on the line in 80 columns.
        let room = statusColumn - counter.count - 5
        let shown = title.count > room ? String(title.prefix(max(1, room - 1))) + "…" : title
        let head = counter + " " + shown + " "
        let dots = String(repeating: ".", count: max(3, statusColumn - head.count))
        return head + dots + " " + status + (detail.isEmpty ? "" : " " + detail)
    }

    /// The word a status is shown as.
    public static func word(_ status: StepStatus) -> String {
        switch status {
        case .pending: return "pending"
        case .running: return "running"
        case .done: return "done"
        case .alreadyDone: return "already done"
        case .failed: return "FAILED"
        case .skipped: return "skipped"
        case .interrupted: return "interrupted"
        }
    }

}
