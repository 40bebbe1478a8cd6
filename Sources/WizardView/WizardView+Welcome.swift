import Cells
import SetupPlan
import WizardModel

extension WizardView {
    static func drawWelcome(_ canvas: inout Canvas, _ state: WizardState) {
        let g = canvas.glyphs
        canvas.titleBar("Welcome")
        var y = 2
        let prose = canvas.width - 4
        y += canvas.wrapped("Run Ray on Google Kubernetes Engine with access to a Cloud Storage bucket:", x: 2, y: y, limit: prose,
                            maxRows: 2, style: Style(bold: true))
        let lines = [
            "1. a GKE cluster (new or existing) with Workload Identity and KubeRay,",
            "2. a Kubernetes service account allowed to read and write your bucket,",
            "3. a RayCluster whose pods use it, checked with a test object.",
        ]
        for line in lines {
            y += canvas.wrapped(line, x: 4, y: y, limit: prose - 2, maxRows: 2, continuation: "   ")
        }
        y += 1
        y += canvas.wrapped(g.text("Nothing runs until you have seen every command; you can also just save them."), x: 2, y: y,
                            limit: prose, maxRows: 2, style: Style(.muted))
        if state.offersDestroyOnWelcome {
            y += canvas.wrapped("\(state.workspace) holds a finished run: press d to see what destroying it removes.", x: 2, y: y,
                                limit: prose, maxRows: 2, style: Style(.accent))
        }
        y += 1
        canvas.text("Found on this machine", x: 2, y: y, style: Style(bold: true))
        y += 1
        guard let detection = state.detection else {
            canvas.text(g.text("Looking for gcloud, kubectl, gke-gcloud-auth-plugin and helm…"), x: 4, y: y, style: Style(.muted))
            canvas.footer(KeyBindings.bindings(.welcome))
            return
        }
        // The details start two columns after the longest name, whatever the width of the marks (ASCII's are wider).
        let markWidth = [g.done, g.pending, g.failed].map(DisplayWidth.of).max() ?? 1
        let detailX = max(30, 5 + markWidth + (detection.tools.map { DisplayWidth.of($0.name) }.max() ?? 0) + 2)
        for tool in detection.tools {
            let found = tool.isFound
            let optional = tool.name == "helm"
            let glyph = found ? g.done : (optional ? g.pending : g.failed)
            let style = found ? Style(.success) : (optional ? Style(.muted) : Style(.error))
            canvas.text(glyph, x: 4, y: y, style: style)
            canvas.text(tool.name, x: 5 + DisplayWidth.of(glyph), y: y)
            let detailWidth = canvas.width - detailX - 2
            if let version = tool.version {
                canvas.clipped(version.isEmpty ? "found" : version, x: detailX, y: y, limit: detailWidth)
            } else if optional {
                y += canvas.wrapped("not found (only needed for a Helm install)", x: detailX, y: y, limit: detailWidth, maxRows: 2,
                                    style: style) - 1
            } else {
                // How to install it, whole: on the same row when it fits, else the command or address on rows below.
                let (how, what) = installHint(tool.name)
                let oneRow = "not found; \(how): \(what)"
                if DisplayWidth.of(oneRow) <= detailWidth {
                    canvas.text(oneRow, x: detailX, y: y, style: style)
                } else {
                    canvas.text("not found; \(how):", x: detailX, y: y, style: style)
                    y += canvas.command(what, x: detailX, y: y + 1, limit: detailWidth, maxRows: 3, style: Style(.accent))
                }
            }
            y += 1
        }
        y += 1
        let facts: [(String, String?, String)] = [
            ("Account", detection.account, detection.configUnread ?? "none: run gcloud auth login"),
            ("Project", detection.project, detection.configUnread ?? "not set in gcloud config"),
            ("Zone", detection.zone, detection.configUnread ?? "not set in gcloud config"),
        ]
        for (label, value, missing) in facts {
            canvas.text(label, x: 4, y: y, style: Style(.muted))
            if let value, !value.isEmpty {
                let end = canvas.clipped(value, x: 14, y: y, limit: canvas.width - 16)
                if label != "Account" {
                    let note = "  (from gcloud config; the default)"
                    if end + DisplayWidth.of(note) <= canvas.width - 2 { canvas.text(note, x: end, y: y, style: Style(.muted)) }
                }
            } else {
                canvas.clipped(missing, x: 14, y: y, limit: canvas.width - 16, style: Style(.warning))
            }
            y += 1
        }
        if let message = state.message {
            canvas.wrapped(message, x: 2, y: canvas.height - 3, limit: canvas.width - 4, maxRows: 2, style: Style(.warning))
        }
        canvas.footer(KeyBindings.bindings(.welcome))
    }

    /// What to do about a missing tool: a few words and the command (or address) that does it.
    private static func installHint(_ tool: String) -> (String, String) {
        let source = ToolInstall.source(tool) ?? "gcloud components install \(tool)"
        return (ToolInstall.isPage(source) ? "install it from" : "install it with", source)
    }
}
