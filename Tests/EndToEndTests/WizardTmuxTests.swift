import Foundation
import TestKit
import Testing

/// The guided wizard as a person uses it: the built binary in a real 80x24 terminal (tmux on a private
/// socket), fake gcloud/kubectl/gke-gcloud-auth-plugin/helm first on PATH, every answer typed, an injected
/// failure, quit, a second start in the same workspace, resume to done. Assertions read `tmux capture-pane`.
@Suite struct WizardTmuxTests {
    @Test func testTypeAnswersPreviewRunFailQuitThenResumeToDone() async throws {
        try await DedicatedThread.run {
            let tmuxPath = try RequiredTool.path("tmux", for: "the wizard's terminal test")
            let wizard = try TestPaths.wizard
            let root = try TestPaths.newTemporaryFolder("tmux")
            defer { try? FileManager.default.removeItem(at: root) }
            let world = try FakeCloud(root: root)
            try world.failBucketCreate(true)
            let tmux = try TmuxTerminal(tmux: tmuxPath, root: root, environment: world.environment)
            defer { tmux.killServer() }

            // The shell starts in the temp folder; a relative workspace, as people type it, keeps the screens' lines short.
            let workspace = "ws"
            let command = "\(shellQuoted(wizard.path)) --workspace \(workspace); echo EXIT=$?"
            try tmux.waitFor("the shell prompt") { $0.contains(TmuxTerminal.prompt) }
            try tmux.type(command)
            try tmux.keys("Enter")

            // Welcome, once the detection effect has reported what the fakes said.
            var screen = try tmux.waitFor("Welcome with the detected tools") {
                $0.contains("Welcome") && $0.contains("tester@example.com") && $0.contains("Kubernetes v1.30.0+fake")
            }
            #expect(screen.contains("✓ gcloud                  Google Cloud SDK 999.0.0 (fake)"), "\(screen)")
            #expect(screen.contains("✓ helm                    v3.15.0+fake"), "\(screen)")
            #expect(try tmux.format("#{alternate_on}") == "1", "the wizard draws on the alternate screen")

            // Page 1: the project is typed (gcloud config has none); the zone keeps its default.
            try tmux.keys("Enter")
            try tmux.waitFor("page 1") { $0.contains("Page 1 of 7 · Project and location") && $0.contains("› Project ID") }
            try tmux.type("ray-demo-123")
            try tmux.waitFor("the typed project") { $0.contains("› Project ID            ray-demo-123") }
            try tmux.keys("Enter")
            try tmux.waitFor("page 2") { $0.contains("Page 2 of 7 · Cluster") && $0.contains("● create-standard") }
            try tmux.keys("Enter")
            try tmux.waitFor("page 3") { $0.contains("Page 3 of 7 · KubeRay operator") && $0.contains("● gke-addon") }
            try tmux.keys("Enter")
            try tmux.waitFor("page 4") { $0.contains("Page 4 of 7 · Identity") && $0.contains("● iam-service-account") }
            try tmux.keys("Enter")
            try tmux.waitFor("page 5") { $0.contains("Page 5 of 7 · Bucket") && $0.contains("› Bucket ") }

            // A bad bucket name: the answers file's rule and message, beside the field, when the field is left.
            try tmux.keys("Tab")
            try tmux.waitFor("the bucket name focused") { $0.contains("› Bucket name") }
            try tmux.type("My_Bucket")
            try tmux.keys("Tab")
            screen = try tmux.waitFor("the bucket name error") {
                collapsed($0).contains("Bucket name My_Bucket ✗ bucket.name \"My_Bucket\": "
                    + "bucket names use lowercase letters, digits, '-', '_' and '.' › Location")
            }
            // Enter does not leave a page with an error on it: it goes back to the bad field.
            try tmux.keys("Enter")
            screen = try tmux.waitFor("back on the bucket name") { $0.contains("› Bucket name           My_Bucket") }
            #expect(screen.contains("Page 5 of 7 · Bucket") && screen.contains("✗ bucket.name"), "\(screen)")
            try tmux.keys("C-u")
            try tmux.type("ray-demo-bucket")
            try tmux.keys("Tab")
            screen = try tmux.waitFor("the fixed bucket name") {
                $0.contains("    Bucket name           ray-demo-bucket\n  › Location")
            }
            #expect(!(screen.contains("✗")), "\(screen)")
            try tmux.keys("Enter")
            try tmux.waitFor("page 6") { $0.contains("Page 6 of 7 · Ray cluster") && $0.contains("raycluster-mini") }
            try tmux.keys("Enter")
            try tmux.waitFor("page 7") { $0.contains("Page 7 of 7 · Ray worker groups") && $0.contains("Group 1 name          workers") }
            try tmux.keys("Enter")

            // Review: the summary and the three tabs of the dry run.
            screen = try tmux.waitFor("review, Commands tab") {
                $0.contains("Review · 20 steps, nothing run yet") && $0.contains("[1 Commands]")
            }
            for text in ["Project   ray-demo-123, zone us-west1-b", "Bucket    create gs://ray-demo-bucket in us-west1, grant objectUser",
                         "Plan for project ray-demo-123: 20 steps", "1. Check gcloud and the active account", "< Run >"] {
                #expect(screen.contains(text), "\(text)\n\(screen)")
            }
            try tmux.keys("Down")
            try tmux.keys("Down")
            // Each step says what it waits for, above its command.
            try tmux.waitFor("the first command") {
                $0.contains("after: nothing (starts at once)\n      $ gcloud config get-value account")
            }
            try tmux.keys("End")
            try tmux.waitFor("the end of the commands") {
                scrolledToEnd($0) && $0.contains("  ' nodes ray-demo-bucket kuberay-gcs-wizard-check 'Hello, Ray on GKE!'")
            }
            try tmux.keys("Right")
            try tmux.waitFor("raycluster.yaml tab") {
                $0.contains("[2 raycluster.yaml]") && $0.contains("kind: RayCluster") && $0.contains("name: raycluster-mini")
            }
            try tmux.keys("Right")
            try tmux.waitFor("setup.sh tab") { $0.contains("[3 setup.sh]") && $0.contains("#!/usr/bin/env bash") }
            try tmux.keys("PageDown")
            try tmux.waitFor("setup.sh scrolled") {
                $0.contains("[3 setup.sh]") && !$0.contains("lines 1-10 of") && !$0.contains("#!/usr/bin/env bash")
            }
            try tmux.keys("1")
            try tmux.waitFor("back on Commands") { $0.contains("[1 Commands]") }

            // Run: the bucket create fails while FAIL_BUCKET exists.
            try tmux.keys("r")
            screen = try tmux.waitFor("the failure screen") {
                $0.contains("Failed at step 7/20") && $0.contains("< Retry >")
            }
            let failure = collapsed(screen)
            for text in ["✗ Step 7 of 20 failed: Create the bucket gs://ray-demo-bucket", "exit 1 · after",
                         "ERROR: (gcloud.storage.buckets.create) HTTPError 403",
                         "Hint: Permission denied: missing storage.buckets.create",
                         "Ask a project owner to grant roles/storage.admin to tester@example.com, then resume.",
                         // The cluster's create, started with the bucket's, finished: 7 complete.
                         "7 of 20 steps complete; the journal is kept. To resume later:",
                         "kuberay-gcs-wizard resume --workspace \(workspace)"] {
                #expect(failure.contains(text), "\(text)\n\(screen)")
            }

            // Quit: the terminal is restored, stdout says how to resume, exit 1.
            try tmux.keys("q")
            screen = try tmux.waitFor("the exit after quitting") { $0.contains("EXIT=") }
            try assertRestored(tmux, exitCode: 1)
            #expect(screen.contains("The journal is kept in \(workspace)/state.json. Resume with:"), "\(screen)")
            #expect(screen.contains("  kuberay-gcs-wizard resume --workspace \(workspace)"), "\(screen)")
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("ws/state.json").path))

            // The failure goes away; the same command in the same workspace opens on Resume.
            try world.failBucketCreate(false)
            try tmux.type("clear; " + command)
            try tmux.keys("Enter")
            screen = try tmux.waitFor("the resume screen") { $0.contains("Unfinished run") && $0.contains("< Resume >") }
            let resume = collapsed(screen)
            for text in ["ws holds a run that did not finish: 7 of 20 steps complete.",
                         "Stopped at step 7: Create the bucket gs://ray-demo-bucket (failed).",
                         "✗ 7. Create the bucket gs://ray-demo-bucket failed", "○ 8. Grant roles/storage.objectUser on the bucket"] {
                #expect(resume.contains(text), "\(text)\n\(screen)")
            }
            try tmux.keys("Enter")
            screen = try tmux.waitFor("the done screen") { $0.contains("Done · 20 steps") }
            for text in ["✓ Ray on GKE is ready, and its pods can use gs://ray-demo-bucket.",
                         "A test object written, read and deleted on every Ray node: head ok,",
                         "✓ Apply the RayCluster raycluster-mini", "Press s to end the wizard and open the Ray dashboard",
                         "kuberay-gcs-wizard session --workspace", "kuberay-gcs-wizard submit --workspace"] {
                #expect(screen.contains(text), "\(text)\n\(screen)")
            }
            try tmux.keys("q")
            screen = try tmux.waitFor("the exit after done") { $0.contains("EXIT=") }
            try assertRestored(tmux, exitCode: 0)
            #expect(screen.contains("Ray on GKE is ready. The Ray dashboard on localhost (until Ctrl-C):"), "\(screen)")

            // Resume ran only what was left: nothing created twice, the failed create tried again once.
            let calls = world.calls()
            #expect(calls.filter { $0.hasPrefix("gcloud container clusters create ") }.count == 1, "\(calls.joined(separator: "\n"))")
            #expect(calls.filter { $0.hasPrefix("gcloud storage buckets create ") }.count == 2, "\(calls.joined(separator: "\n"))")
            #expect(calls.filter { $0.hasPrefix("kubectl create serviceaccount ") }.count == 1, "\(calls.joined(separator: "\n"))")
            #expect(!(calls.contains { $0.contains("unexpected call") }), "\(calls.joined(separator: "\n"))")
        }
    }

    /// A step that prints without pause: keys still answer, the run goes on when the step ends, and its log holds
    /// every line (the wizard slows the step down to what it can show rather than queueing without bound).
    @Test func testKeysAnswerWhileAStepFloodsAndNoLineIsLost() async throws {
        try await DedicatedThread.run {
            let tmuxPath = try RequiredTool.path("tmux", for: "the wizard's terminal test")
            let wizard = try TestPaths.wizard
            let root = try TestPaths.newTemporaryFolder("tmux-flood")
            defer { try? FileManager.default.removeItem(at: root) }
            let world = try FakeCloud(root: root)
            let workspace = root.appendingPathComponent("ws")
            try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
            try Data("project: ray-demo-123\nbucket:\n  name: ray-demo-bucket\n".utf8).write(to: workspace.appendingPathComponent("answers.yaml"))
            let flood = world.state.appendingPathComponent("FLOOD")
            try Data().write(to: flood)
            let tmux = try TmuxTerminal(tmux: tmuxPath, root: root, environment: world.environment)
            defer {
                try? FileManager.default.removeItem(at: flood)
                tmux.killServer()
            }
            try tmux.waitFor("the shell prompt") { $0.contains(TmuxTerminal.prompt) }
            try tmux.type("\(shellQuoted(wizard.path)) --workspace ws; echo EXIT=$?")
            try tmux.keys("Enter")
            try tmux.waitFor("Welcome") { $0.contains("Welcome") && $0.contains("tester@example.com") }
            for page in 1...7 {
                try tmux.keys("Enter")
                try tmux.waitFor("page \(page)") { $0.contains("Page \(page) of 7") }
            }
            try tmux.keys("Enter")
            // Run waits for preflight's verdict.
            try tmux.waitFor("review") { $0.contains("Review · 20 steps") && $0.contains("Preflight passed") }
            try tmux.keys("r")
            try tmux.waitFor("the create step streaming") { $0.contains("Output of step 9: Create the GKE Standard cluster") && $0.contains("flood line ") }
            for _ in 0..<3 {
                try tmux.keys("?")
                try tmux.waitFor("the keys overlay while lines stream", seconds: 5) { $0.contains("Esc closes") }
                try tmux.keys("?")
                try tmux.waitFor("the overlay closed while lines stream", seconds: 5) { !$0.contains("Esc closes") }
            }
            let streaming = tmux.capture()
            #expect(streaming.contains("step 9/20"), "still on the flooding step:\n\(streaming)")

            try FileManager.default.removeItem(at: flood)
            try tmux.waitFor("the done screen", seconds: 60) { $0.contains("Done · 20 steps") }
            let printed = try #require(Int(String(contentsOf: world.state.appendingPathComponent("FLOODED"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(printed >= 100_000)
            let logs = try FileManager.default.contentsOfDirectory(at: workspace.appendingPathComponent("logs"), includingPropertiesForKeys: nil)
            let log = try #require(logs.first { $0.lastPathComponent.contains("create-cluster") }, "\(logs)")
            let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
            let flooded = lines.filter { $0.contains("flood line ") }
            #expect(flooded.count == printed, "every printed line is in the step's log")
            #expect(flooded.last?.hasSuffix("flood line \(printed - 1)") == true, "\(String(flooded.last ?? "none"))")
            try tmux.keys("q")
            try tmux.waitFor("the exit after done") { $0.contains("EXIT=") }
            try assertRestored(tmux, exitCode: 0)
        }
    }

    /// A workspace whose state.json cannot be read: the wizard says so before drawing anything and leaves the file.
    @Test func testACorruptJournalIsReportedBeforeTheWizardOpens() async throws {
        try await DedicatedThread.run {
            let tmuxPath = try RequiredTool.path("tmux", for: "the wizard's terminal test")
            let wizard = try TestPaths.wizard
            let root = try TestPaths.newTemporaryFolder("tmux-corrupt")
            defer { try? FileManager.default.removeItem(at: root) }
            let world = try FakeCloud(root: root)
            let workspace = root.appendingPathComponent("ws")
            try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
            let journal = workspace.appendingPathComponent("state.json")
            try Data("{\"version\": 1, \"steps\": [".utf8).write(to: journal)
            let tmux = try TmuxTerminal(tmux: tmuxPath, root: root, environment: world.environment)
            defer { tmux.killServer() }
            try tmux.waitFor("the shell prompt") { $0.contains(TmuxTerminal.prompt) }
            try tmux.type("\(shellQuoted(wizard.path)) --workspace ws; echo EXIT=$?")
            try tmux.keys("Enter")
            let screen = try tmux.waitFor("the error and the exit status") { $0.contains("EXIT=2") }
            #expect(screen.contains("state.json"), "\(screen)")
            #expect(!(screen.contains("Welcome")), "\(screen)")
            #expect(try String(contentsOf: journal, encoding: .utf8) == "{\"version\": 1, \"steps\": [", "left as it was")
            try assertRestored(tmux, exitCode: 2)
        }
    }

    /// After the wizard exited: the normal screen with the exit line and a fresh prompt under it, cursor
    /// visible, keypad mode off, and the expected status.
    private func assertRestored(_ tmux: TmuxTerminal, exitCode: Int32, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let screen = try tmux.waitFor("the prompt after EXIT") {
            $0.contains("EXIT=\(exitCode)\n\(TmuxTerminal.prompt)")
        }
        #expect(!(screen.contains("Tab/→ next button") || screen.contains("q/Enter quit")), "the wizard's frame is gone\n\(screen)",
                sourceLocation: sourceLocation)
        #expect(try tmux.format("#{alternate_on} #{cursor_flag} #{keypad_flag} #{keypad_cursor_flag}") == "0 1 0 0",
                "normal screen, cursor shown, keypad modes off", sourceLocation: sourceLocation)
    }
}

/// The fake tools and their state, all under the test's temporary folder.
struct FakeCloud {
    let bin: URL
    let state: URL
    let environment: [String: String]

    init(root: URL) throws {
        bin = root.appendingPathComponent("bin")
        state = root.appendingPathComponent("state")
        let home = root.appendingPathComponent("home")
        for dir in [bin, state, home] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        for tool in ["gcloud", "kubectl", "gke-gcloud-auth-plugin", "helm"] {
            try TestPaths.linkExecutable(bin.appendingPathComponent(tool), to: TestPaths.support.appendingPathComponent("fake-cloud-tools.sh"))
        }
        // A whole environment, nothing inherited: the fakes first on PATH, HOME and every config in the temp folder.
        environment = [
            "PATH": "\(bin.path):/usr/local/bin:/usr/bin:/bin",
            "HOME": home.path,
            "FAKE_STATE": state.path,
            "CLOUDSDK_CONFIG": root.appendingPathComponent("gcloud-config").path,
            "KUBECONFIG": root.appendingPathComponent("kubeconfig").path,
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "TMPDIR": root.path,
        ]
    }

    func failBucketCreate(_ fail: Bool) throws {
        let flag = state.appendingPathComponent("FAIL_BUCKET")
        if fail {
            try Data().write(to: flag)
        } else {
            try FileManager.default.removeItem(at: flag)
        }
    }

    /// Every fake call, one per line (the bucket check script's own lines included).
    func calls() -> [String] {
        let text = (try? String(contentsOf: state.appendingPathComponent("calls.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }
}

/// A tmux server of its own (a socket in the test's folder) with one 80x24 pane running a bare bash.
final class TmuxTerminal: @unchecked Sendable {
    /// The shell's prompt as captured (trailing space trimmed).
    static let prompt = "e2e$"
    private let tmux: String
    private let socket: String
    private let environment: [String: String]

    init(tmux: String, root: URL, environment: [String: String]) throws {
        self.tmux = tmux
        socket = root.appendingPathComponent("tmux.sock").path
        self.environment = environment
        let args = ["-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", "-s", "e2e", "-c", root.path,
                    "PS1='\(Self.prompt) ' exec bash --norc --noprofile"]
        let status = Spawn.detached([tmux] + args, environment: environment)
        guard status == 0 else { throw TmuxError.failed(args, "new-session exited \(status)") }
    }

    /// Sends keys by tmux name (`Enter`, `Tab`, `BTab`, `C-u`, `Right`, `PageDown`) or plain characters.
    func keys(_ names: String...) throws {
        try run(["send-keys", "-t", "e2e"] + names)
    }

    /// Types `text` literally.
    func type(_ text: String) throws {
        try run(["send-keys", "-t", "e2e", "-l", text])
    }

    /// The visible pane as text, trailing spaces trimmed; with `history`, the lines scrolled off above it too.
    func capture(history: Bool = false) -> String {
        ((try? run(["capture-pane", "-p", "-t", "e2e"] + (history ? ["-S", "-"] : []))) ?? "")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
            .joined(separator: "\n")
    }

    /// A tmux format of the pane, e.g. `#{alternate_on}`.
    func format(_ format: String) throws -> String {
        try run(["display-message", "-p", "-t", "e2e", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the pane until `condition` holds (at most `seconds`) and returns that screen; throws, with the last one,
    /// when it does not.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 20, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = capture()
        while !condition(screen) {
            guard Date() < deadline else {
                throw TmuxError.timeout(what, seconds: seconds, screen: screen)
            }
            Thread.sleep(forTimeInterval: 0.02)
            screen = capture()
        }
        return screen
    }

    func killServer() {
        _ = try? run(["kill-server"])
    }

    @discardableResult
    private func run(_ args: [String]) throws -> String {
        let result = try runProcess(tmux, ["-S", socket] + args, env: environment)
        guard result.status == 0 else { throw TmuxError.failed(args, result.stderr) }
        return result.stdout
    }
}

enum TmuxError: Error, CustomStringConvertible {
    case failed([String], String)
    case timeout(String, seconds: Double, screen: String)

    var description: String {
        switch self {
        case .failed(let args, let stderr): "tmux \(args.joined(separator: " ")) failed: \(stderr)"
        case .timeout(let what, let seconds, let screen): "timed out after \(seconds)s waiting for \(what); the screen:\n\(screen)"
        }
    }
}

/// The screen with every run of whitespace (line breaks included) as one space: text that wraps still matches.
func collapsed(_ screen: String) -> String {
    screen.split(whereSeparator: \.isWhitespace).joined(separator: " ")
}

/// Whether the preview's position reads `lines A-B of B`: its last line is on screen.
func scrolledToEnd(_ screen: String) -> Bool {
    guard let match = screen.firstMatch(of: /\d+-(\d+) of (\d+)/) else { return false }
    return match.1 == match.2
}

func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
