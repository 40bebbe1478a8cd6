import Cells
import Terminal
#if canImport(Glibc)
import Glibc
#endif

// The floor for the wizard's start-up: a Swift program linked like the wizard (static Swift
// runtime) that draws the Welcome frame the wizard shows while it looks for tools, through the wizard's own
// terminal layer, but without Foundation, Yams or anything else. `wizard-bench tui` times it beside the wizard
// and whiptail; what it takes over whiptail is what the language and ncurses cost before any wizard code runs.

let lines = [
    "  Run Ray on Google Kubernetes Engine with access to a Cloud Storage bucket:",
    "    1. a GKE cluster (new or existing) with Workload Identity and KubeRay,",
    "    2. a Kubernetes service account allowed to read and write your bucket,",
    "    3. a RayCluster whose pods use it, checked with a test object.",
    "",
    "  Nothing runs until you have seen every command; you can also just save them.",
    "",
    "  Found on this machine",
    "    Looking for gcloud, kubectl, gke-gcloud-auth-plugin and helm…",
]

let terminal = Terminal()
do {
    try terminal.start()
} catch {
    let message = Array("frame-reference: \(error)\n".utf8)
    _ = write(2, message, message.count)
    exit(2)
}
let size = terminal.size()
var frame = Frame(size: size)
let header = Style(.accent, reverse: true)
frame.fill(column: 0, row: 0, width: size.columns, height: 1, with: Cell(" ", style: header))
frame.put(" kuberay-gcs-wizard", column: 0, row: 0, style: header)
frame.put("Welcome ", column: size.columns - 8, row: 0, style: header)
for (index, line) in lines.enumerated() {
    frame.put(line, column: 0, row: index + 2, style: index == 7 ? Style(bold: true) : .plain)
}
frame.put(" Enter start  ? keys  q quit", column: 0, row: size.rows - 1, style: Style(.muted))
terminal.present(frame)
waiting: while true {
    switch terminal.nextEvent(timeoutMilliseconds: 1000) {
    case .key, .signal: break waiting
    case .resize, nil: continue
    }
}
terminal.stop()
