import Cells
import SetupPlan
import SetupRunner
import WizardModel

extension WizardView {
    static func drawDone(_ canvas: inout Canvas, _ state: WizardState) {
        guard let run = state.run else { return }
        let g = canvas.glyphs
        let a = run.plan.answers
        let width = canvas.width - 6
        canvas.titleBar("Done · \(run.rows.count) steps · \(Format.duration(run.seconds ?? 0))")
        var y = 2
        canvas.clipped("\(g.done) Ray on GKE is ready, and its pods can use gs://\(a.bucket.name).", x: 2, y: y, limit: canvas.width - 4,
                       style: Style(.success, bold: true))
        y += 1
        if let result = run.verifyResult {
            let start = canvas.text("Read back from the bucket by a Ray task: ", x: 4, y: y, style: Style(.muted))
            let first = result.split(separator: "\n").first.map(String.init) ?? result
            canvas.clipped(OutputTail.sanitize(first), x: start, y: y, limit: canvas.width - start - 2, style: Style(.accent, bold: true))
            y += 1
        }
        y += 1

        // Next steps and the workspace take a fixed block at the bottom; what was created fills the rest.
        let nextTop = canvas.height - 11
        let creates = run.plan.steps.indices.filter { run.plan.steps[$0].kind == .create }
        let made = creates.filter { run.rows[$0].status == .done }
        let found = creates.filter { run.rows[$0].status == .alreadyDone }
        let skipped = run.rows.filter { $0.status == .skipped }.count
        var notes: [String] = []
        if !found.isEmpty { notes.append("\(found.count) already existed and were left as they were") }
        if skipped > 0 { notes.append("\(skipped) steps skipped") }
        canvas.text("Created", x: 2, y: y, style: Style(bold: true))
        y += 1
        let listRows = max(0, nextTop - 1 - y - (notes.isEmpty ? 0 : 1))
        if made.isEmpty {
            canvas.text("nothing new: everything already existed", x: 4, y: y, style: Style(.muted))
            y += 1
        }
        for (n, index) in made.enumerated() where n < listRows {
            let more = made.count - listRows
            if n == listRows - 1, more > 0 {
                canvas.text("and \(more + 1) more", x: 4, y: y, style: Style(.muted))
            } else {
                canvas.text(g.done, x: 4, y: y, style: Style(.success))
                canvas.clipped(run.rows[index].title, x: 5 + DisplayWidth.of(g.done), y: y, limit: width - 4)
            }
            y += 1
        }
        if !notes.isEmpty {
            canvas.clipped(notes.joined(separator: "; ") + ".", x: 4, y: y, limit: width, style: Style(.muted))
            y += 1
        }

        y = min(y + 1, nextTop)
        canvas.text("Next steps", x: 2, y: y, style: Style(bold: true))
        canvas.text("Open the Ray dashboard at http://localhost:8265 with:", x: 4, y: y + 1, style: Style(.muted), limit: width)
        canvas.clipped(NextSteps.portForward(a), x: 6, y: y + 2, limit: width - 2, style: Style(.accent))
        canvas.text("then run a job that lists the bucket:", x: 4, y: y + 3, style: Style(.muted), limit: width)
        canvas.wrapped(NextSteps.jobSubmit(a), x: 6, y: y + 4, limit: width - 2, maxRows: 4, style: Style(.accent), continuation: "  ")
        canvas.clipped("Files: \(state.workspace)/ (answers.yaml, raycluster.yaml, setup.sh, logs/)",
                       x: 2, y: canvas.height - 2, limit: canvas.width - 4, style: Style(.muted))
        canvas.footer(KeyMap.bindings(.done))
    }
}
