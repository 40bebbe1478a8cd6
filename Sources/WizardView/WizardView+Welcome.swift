import Cells
import WizardModel

extension WizardView {
    static func drawWelcome(_ canvas: inout Canvas, _ state: WizardState) {
        let g = canvas.glyphs
        canvas.titleBar("Welcome")
        var y = 2
        canvas.text("Set up Ray on Google Kubernetes Engine with access to a Cloud Storage bucket:", x: 2, y: y, style: Style(bold: true))
        y += 1
        let lines = [
            "1. a GKE cluster (new or existing) with Workload Identity and KubeRay,",
            "2. a Kubernetes service account allowed to read and write your bucket,",
            "3. a RayCluster whose pods use it, checked with a test object.",
        ]
        for line in lines {
            canvas.clipped(line, x: 4, y: y, limit: canvas.width - 6)
            y += 1
        }
        canvas.text(g.text("Nothing runs until you have seen every command; you can also just save them."), x: 2, y: y + 1,
                    style: Style(.muted), limit: canvas.width - 4)
        y += 3
        canvas.text("Found on this machine", x: 2, y: y, style: Style(bold: true))
        y += 1
        guard let detection = state.detection else {
            canvas.text(g.text("Looking for gcloud, kubectl, gke-gcloud-auth-plugin and helm…"), x: 4, y: y, style: Style(.muted))
            canvas.footer(KeyMap.bindings(.welcome))
            return
        }
        for tool in detection.tools {
            let found = tool.isFound
            let optional = tool.name == "helm"
            let glyph = found ? g.done : (optional ? g.pending : g.failed)
            let style = found ? Style(.success) : (optional ? Style(.muted) : Style(.error))
            canvas.text(glyph, x: 4, y: y, style: style)
            canvas.text(tool.name, x: 5 + DisplayWidth.of(glyph), y: y)
            let detail: String
            if let version = tool.version {
                detail = version.isEmpty ? "found" : version
            } else {
                detail = optional ? "not found (only needed for a Helm install)" : "not found: \(installHint(tool.name))"
            }
            canvas.clipped(detail, x: 30, y: y, limit: canvas.width - 32, style: found ? .plain : style)
            y += 1
        }
        y += 1
        let facts: [(String, String?, String)] = [
            ("Account", detection.account, "none: run gcloud auth login"),
            ("Project", detection.project, "not set in gcloud config"),
            ("Zone", detection.zone, "not set in gcloud config"),
        ]
        for (label, value, missing) in facts {
            canvas.text(label, x: 4, y: y, style: Style(.muted))
            if let value, !value.isEmpty {
                let end = canvas.clipped(value, x: 14, y: y, limit: canvas.width - 16)
                if label != "Account" {
                    canvas.text("  (gcloud config, used as the default)", x: end, y: y, style: Style(.muted))
                }
            } else {
                canvas.text(missing, x: 14, y: y, style: Style(.warning))
            }
            y += 1
        }
        canvas.footer(KeyMap.bindings(.welcome))
    }

    private static func installHint(_ tool: String) -> String {
        switch tool {
        case "gcloud": return "install the Google Cloud CLI"
        case "gke-gcloud-auth-plugin": return "gcloud components install it"
        case "kubectl": return "gcloud components install kubectl"
        default: return "install it"
        }
    }
}
