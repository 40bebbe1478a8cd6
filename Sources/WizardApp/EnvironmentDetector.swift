import Foundation
import SetupPlan
import SetupRunner
import WizardModel

/// Finds the tools and gcloud's defaults for the welcome screen, all probes at once, each with a time limit.
enum EnvironmentDetector {
    /// How long each probe may take. Welcome stays usable meanwhile ("Looking for…"), and on a loaded machine
    /// gcloud's start-up alone takes seconds of CPU.
    static let timeLimit: Double = 60

    /// Runs every probe in parallel and returns what they found.
    static func detect(environment: [String: String] = [:], timeoutSeconds: Double = timeLimit) async -> Detection {
        async let config = QuickCommand.read(ToolCheck.gcloudConfigList, environment: environment, timeoutSeconds: timeoutSeconds,
                                             stdoutLimit: 64 * 1024)
        let found = await withTaskGroup(of: (String, QuickCommand.Outcome).self) { group in
            for name in Detection.toolNames {
                group.addTask {
                    (name, await QuickCommand.run(ToolCheck.version(name), environment: environment, timeoutSeconds: timeoutSeconds))
                }
            }
            var found: [String: QuickCommand.Outcome] = [:]
            for await (key, outcome) in group { found[key] = outcome }
            return found
        }
        let tools = Detection.toolNames.map { name -> DetectedTool in
            switch found[name] {
            case .exited(let status, let line)?:
                // 127 is a shell's "no such program" (a wrapper whose program is gone); any other status means the
                // tool is there, just unhappy.
                return DetectedTool(name: name, version: status == 127 ? nil : line)
            case .failedToStart?, nil:
                return DetectedTool(name: name, version: nil)
            }
        }
        return configured(await config, tools: tools, timeoutSeconds: timeoutSeconds)
    }

    /// The account and defaults in `gcloud config list --format json`'s output (`core.account`, `core.project`,
    /// `compute.zone`), or why they could not be read.
    private static func configured(_ output: QuickCommand.Output, tools: [DetectedTool], timeoutSeconds: Double) -> Detection {
        guard output.exitCode != nil, tools.first(where: { $0.name == "gcloud" })?.isFound != false else {
            return Detection(tools: tools)
        }
        if output.timedOut {
            return Detection(tools: tools, configUnread: "not read: gcloud did not answer in \(Int(timeoutSeconds)) s")
        }
        guard output.exitCode == 0,
              let sections = (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8))) as? [String: [String: Any]] else {
            let why = output.stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit \(output.exitCode ?? -1)"
            return Detection(tools: tools, configUnread: "not read: gcloud config list failed: \(why)")
        }
        func value(_ section: String, _ key: String) -> String? {
            (sections[section]?[key] as? String).flatMap { $0.isEmpty ? nil : $0 }
        }
        return Detection(tools: tools, account: value("core", "account"), project: value("core", "project"), zone: value("compute", "zone"))
    }
}
