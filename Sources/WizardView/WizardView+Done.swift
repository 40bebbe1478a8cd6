import Cells
import SetupPlan
import RunModel
import WizardModel

extension WizardView {
    static func drawDone(_ canvas: inout Canvas, _ state: WizardState) {
        guard let run = state.run else { return }
        if let destroy = state.destroy {
            drawDestroyed(&canvas, state, destroy: destroy, run: run)
            return
        }
        let g = canvas.glyphs
        let a = run.plan.answers
        let width = canvas.width - 6
        canvas.titleBar("Done · \(run.rows.count) steps · \(DurationText.format(run.seconds ?? 0))")
        var y = 2
        canvas.clipped("\(g.done) Ray on GKE is ready, and its pods can use gs://\(a.bucket.name).", x: 2, y: y, limit: canvas.width - 4,
                       style: Style(.success, bold: true))
        y += 1
        if let result = run.verifyResult {
            // Every node's verdict is shown: the summary wraps (at most three rows) rather than hiding the last nodes.
            let lead = PlanBuilder.checkVerdictLead + ": "
            let rows = TextWrap.wrap(lead + OutputTail.sanitize(PlanBuilder.checkSummary(result)), width: canvas.width - 6, continuation: "")
            for (i, row) in rows.prefix(3).enumerated() {
                let last = i == 2 && rows.count > 3
                let text = last ? row + g.ellipsis : row
                if i == 0, text.hasPrefix(lead) {
                    let start = canvas.text(lead, x: 4, y: y, style: Style(.muted))
                    canvas.clipped(String(text.dropFirst(lead.count)), x: start, y: y, limit: canvas.width - start - 2, style: Style(.accent, bold: true))
                } else {
                    canvas.clipped(text, x: 4, y: y, limit: canvas.width - 6, style: Style(.accent, bold: true))
                }
                y += 1
            }
        }
        y += 1

        // The workspace line and the next steps sit at the bottom, commands whole (wrapped so they paste as one);
        // what was created or applied fills the rest.
        let commandX = 6
        let commandWidth = canvas.width - commandX - 2
        // The dashboard and a test job are keys (`s` ends the wizard and runs session, `j` submit with the example job);
        // the person's own job needs their entrypoint, so submit with it is the command line to type.
        let session = TextWrap.command(WorkspaceFiles.sessionCommand(workspace: state.workspace), width: commandWidth)
        let testJob = TextWrap.wrap("Press j to end the wizard and run a test job that writes to gs://\(a.bucket.name) as the KSA.",
                                    width: width, continuation: "")
        let submit = TextWrap.command(WorkspaceFiles.submitCommand(workspace: state.workspace), width: commandWidth)
        let files = TextWrap.wrap("Files: \(state.workspace)/",
                                  width: canvas.width - 4, continuation: "  ")
        let filesTop = canvas.height - 1 - files.count
        let trainStorage = NextSteps.trainStorage(a).map { TextWrap.command($0, width: commandWidth) } ?? []
        let nextRows = 3 + session.count + testJob.count + submit.count + (trainStorage.isEmpty ? 0 : 1 + trainStorage.count)
        let nextTop = max(y + 2, filesTop - 1 - nextRows)
        // Applying the manifest the wizard wrote makes (or updates) the RayCluster, the thing the person came for.
        let creates = run.plan.steps.indices.filter { run.plan.steps[$0].kind == .create || run.plan.steps[$0].files.contains(WorkspaceFiles.manifest) }
        let made = creates.filter { run.rows[$0].status == .done }
        let found = creates.filter { run.rows[$0].status == .alreadyDone }
        // A step that was not needed (its condition did not hold) is no skip a person made.
        let skipped = run.rows.indices.filter { run.rows[$0].status == .skipped && run.plan.steps[$0].runsWhen == nil }.count
        var notes: [String] = []
        if !found.isEmpty {
            notes.append(found.count == 1 ? "1 already existed and was left as it was"
                                          : "\(found.count) already existed and were left as they were")
        }
        if skipped > 0 { notes.append("\(skipped) steps skipped") }
        canvas.text("Created or applied", x: 2, y: y, style: Style(bold: true))
        y += 1
        let listRows = max(0, nextTop - 1 - y - (notes.isEmpty ? 0 : 1))
        if made.isEmpty {
            canvas.text("nothing new: everything already existed", x: 4, y: y, style: Style(.muted))
            y += 1
        }
        if listRows == 1, made.count > 1, let last = made.last {
            // No room for the list: its length and the last thing made (the RayCluster, what the person came for).
            canvas.text(g.done, x: 4, y: y, style: Style(.success))
            canvas.clipped("\(made.count) in all, the last: \(run.rows[last].title)", x: 5 + DisplayWidth.of(g.done), y: y, limit: width - 4)
            y += 1
        }
        for (n, index) in made.enumerated() where n < listRows && !(listRows == 1 && made.count > 1) {
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
        y += 1
        drawKeyRow(&canvas, "Press s to end the wizard and open the Ray dashboard on localhost:", key: "s", y: y, width: width)
        y += 1
        for row in session {
            canvas.text(row, x: commandX, y: y, style: Style(.accent), limit: commandWidth)
            y += 1
        }
        for (index, row) in testJob.enumerated() {
            drawKeyRow(&canvas, row, key: index == 0 ? "j" : nil, y: y, width: width)
            y += 1
        }
        canvas.text("Run your own code on the cluster, as the bucket's identity, with:", x: 4, y: y, style: Style(.muted), limit: width)
        y += 1
        for row in submit where y < filesTop - 1 {
            canvas.text(row, x: commandX, y: y, style: Style(.accent), limit: commandWidth)
            y += 1
        }
        if !trainStorage.isEmpty, y + trainStorage.count < filesTop - 1 {
            canvas.text("Ray Train keeps checkpoints on the bucket through its mount with:", x: 4, y: y, style: Style(.muted), limit: width)
            y += 1
            for row in trainStorage {
                canvas.text(row, x: commandX, y: y, style: Style(.accent), limit: commandWidth)
                y += 1
            }
        }
        for (i, row) in files.enumerated() {
            canvas.text(row, x: 2, y: filesTop + i, style: Style(.muted), limit: canvas.width - 4)
        }
        canvas.footer(KeyBindings.bindings(.done))
    }

    /// A muted row at column 4; with `key`, the row starts "Press KEY" and KEY is shown as keys are shown.
    private static func drawKeyRow(_ canvas: inout Canvas, _ row: String, key: String?, y: Int, width: Int) {
        let lead = "Press "
        guard let key, row.hasPrefix(lead + key) else {
            canvas.text(row, x: 4, y: y, style: Style(.muted), limit: width)
            return
        }
        let start = canvas.text(lead, x: 4, y: y, style: Style(.muted))
        let afterKey = canvas.text(key, x: start, y: y, style: Style(.accent, bold: true))
        canvas.text(String(row.dropFirst(lead.count + key.count)), x: afterKey, y: y, style: Style(.muted), limit: width - afterKey + 4)
    }

    /// After a destroy: what went, what was already gone, and what stays.
    private static func drawDestroyed(_ canvas: inout Canvas, _ state: WizardState, destroy: DestroyState, run: RunProgress) {
        let g = canvas.glyphs
        canvas.titleBar("Destroyed · \(run.rows.count) steps · \(DurationText.format(run.seconds ?? 0))")
        canvas.clipped("\(g.done) What this workspace's run created is gone.", x: 2, y: 2, limit: canvas.width - 4,
                       style: Style(.success, bold: true))
        var y = 4
        let deletes = run.plan.steps.indices.filter { run.plan.steps[$0].kind == .delete }
        let bottom = canvas.height - 3
        for index in deletes where y < bottom {
            let row = run.rows[index]
            let detail = row.status == .alreadyDone ? " (already gone)" : ""
            canvas.clipped("\(g.status(row.status, frame: 0)) \(run.plan.steps[index].title)\(detail)", x: 4, y: y,
                           limit: canvas.width - 6, style: statusStyle(row.status))
            y += 1
        }
        if !destroy.plan.kept.isEmpty && y + 2 < bottom {
            y += 1
            canvas.text("Kept", x: 2, y: y, style: Style(bold: true))
            y += 1
            // Each whole, wrapped: what stays and why is the point of the list (the bucket's line names its flag).
            for item in destroy.plan.kept where y < bottom {
                y += canvas.wrapped("\(item.subject): \(item.why)", x: 4, y: y, limit: canvas.width - 6, maxRows: bottom - y,
                                    style: Style(.muted), continuation: "  ")
            }
        }
        canvas.wrapped("Journal: \(state.workspace)/\(WorkspaceFiles.destroyedSetupJournal); setting up again starts from scratch.", x: 2,
                       y: canvas.height - 3, limit: canvas.width - 4, maxRows: 1, style: Style(.muted))
        canvas.footer(KeyBindings.bindings(.done).filter { $0.command == .quit || $0.command == .help })
    }
}
