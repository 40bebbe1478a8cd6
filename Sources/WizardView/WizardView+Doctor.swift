import Cells
import Diagnosis
import WizardModel

extension WizardView {
    /// doctor's live checklist: each link as it is decided, its evidence and fix, then the verdict.
    static func drawDoctor(_ canvas: inout Canvas, _ state: WizardState) {
        let g = canvas.glyphs
        canvas.titleBar("Check an existing setup")
        let a = state.answers
        canvas.clipped("Project \(a.project), cluster \(a.cluster.name), bucket gs://\(a.bucket.name): read-only, but for a test object in each Ray pod",
                       x: 2, y: 2, limit: canvas.width - 4, style: Style(.muted))
        let pane = Layout.doctorPane(state.size)
        let top = 4
        guard let doctor = state.doctor else { return }
        drawCheckRows(&canvas, doctor, top: top, geometry: pane)
        let statusRow = canvas.height - 2
        if let summary = doctor.summary {
            canvas.clipped(summary, x: 2, y: statusRow, limit: canvas.width - 4,
                           style: doctor.healthy ? Style(.success, bold: true) : Style(.error, bold: true))
        } else {
            let spinner = g.spinner[spinnerFrame(state) % g.spinner.count]
            canvas.text(g.text("\(spinner) Reading with gcloud and kubectl… \(doctor.checks.count) links decided"), x: 2, y: statusRow,
                        style: Style(.muted))
        }
        canvas.footer(KeyBindings.bindings(.doctor))
    }

    /// The visible rows of a checklist (doctor's, preflight's): each check's mark and title, its evidence and its fix.
    static func drawCheckRows(_ canvas: inout Canvas, _ list: DoctorProgress, top: Int, geometry: (rows: Int, columns: Int)) {
        let g = canvas.glyphs
        let markWidth = DisplayWidth.of(g.failed) + 1
        for (i, row) in list.rows.dropFirst(list.offset).prefix(geometry.rows).enumerated() {
            switch row.kind {
            case .check(let status, let first):
                let (mark, style) = checkMark(status, g)
                if first { canvas.text(mark, x: 2, y: top + i, style: style) }
                canvas.text(row.text, x: 2 + markWidth, y: top + i, style: style, limit: geometry.columns - markWidth)
            case .detail:
                canvas.text(g.text(row.text), x: 2, y: top + i, style: Style(.muted), limit: geometry.columns)
            case .fix:
                canvas.text(row.text, x: 2, y: top + i, style: Style(.accent), limit: geometry.columns)
            }
        }
    }

    /// A check's mark and style, wherever a checklist is drawn.
    static func checkMark(_ status: CheckStatus, _ g: Glyphs) -> (String, Style) {
        switch status {
        case .ok: (g.done, Style(.success))
        case .broken: (g.failed, Style(.error, bold: true))
        case .skipped: (g.skipped, Style(.muted))
        case .warning: (g.warning, Style(.warning, bold: true))
        }
    }
}
