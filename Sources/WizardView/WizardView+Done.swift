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
            canvas.text("Read back from the bucket by a Ray task:", x: 4, y: y, style: Style(.muted))
            y += 1
            for line in result.split(separator: "\n").prefix(2) {
                canvas.clipped(OutputTail.sanitize(String(line)), x: 6, y: y, limit: width - 2, style: Style(.accent))
                y += 1
            }
        }
        y += 1

        // What this run made, and what it found already there.
        let creates = run.plan.steps.indices.filter { run.plan.steps[$0].kind == .create }
        let made = creates.filter { run.rows[$0].status == .done }
        let found = creates.filter { run.rows[$0].status == .alreadyDone }
        let skipped = run.rows.filter { $0.status == .skipped }.count
        canvas.text("Created", x: 2, y: y, style: Style(bold: true))
        y += 1
        let listRows = max(1, canvas.height - 12 - y)
        for index in made.prefix(listRows) {
            canvas.text(g.done, x: 4, y: y, style: Style(.success))
            canvas.clipped(run.rows[index].title, x: 6 + DisplayWidth.of(g.done), y: y, limit: width - 4)
            y += 1
        }
        if made.isEmpty {
            canvas.text("nothing new: everything already existed", x: 4, y: y, style: Style(.muted))
            y += 1
        }
        var notes: [String] = []
        if !found.isEmpty { notes.append("\(found.count) already existed and were left as they were") }
        if skipped > 0 { notes.append("\(skipped) skipped") }
        if !notes.isEmpty {
            canvas.clipped(notes.joined(separator: "; ") + ".", x: 4, y: y, limit: width, style: Style(.muted))
            y += 1
        }

        // Next steps sit at a fixed place above the footer.
        y = max(y + 1, canvas.height - 9)
        canvas.text("Next steps", x: 2, y: y, style: Style(bold: true))
        canvas.text("Ray dashboard:", x: 4, y: y + 1, style: Style(.muted))
        canvas.clipped(NextSteps.portForward(a), x: 6, y: y + 2, limit: width - 2, style: Style(.accent))
        canvas.text("then open http://localhost:8265 and submit a job that uses the bucket:", x: 4, y: y + 3, style: Style(.muted), limit: width)
        canvas.wrapped(NextSteps.jobSubmit(a), x: 6, y: y + 4, limit: width - 2, maxRows: 2, style: Style(.accent), continuation: "  ")
        canvas.clipped("Workspace: \(state.workspace) (answers.yaml, raycluster.yaml, setup.sh, state.json, logs/)",
                       x: 2, y: canvas.height - 2, limit: canvas.width - 4, style: Style(.muted))
        canvas.footer(KeyMap.bindings(.done))
    }
}
