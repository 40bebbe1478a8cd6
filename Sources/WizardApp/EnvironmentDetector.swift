import SetupPlan
import SetupRunner
import WizardModel

/// Finds the tools and gcloud's defaults for the welcome screen, all probes at once, each with a time limit.
enum EnvironmentDetector {
    private static let probes: [(key: String, argv: [String])] =
        Detection.toolNames.map { ($0, ToolCheck.version($0)) } + [
            ("account", ToolCheck.gcloudConfig("account")),
            ("project", ToolCheck.gcloudConfig("project")),
            ("zone", ToolCheck.gcloudConfig("compute/zone")),
        ]

    /// Runs every probe in parallel and returns what they found.
    static func detect(environment: [String: String] = [:], timeoutSeconds: Double = 15) async -> Detection {
        let found = await withTaskGroup(of: (String, QuickCommand.Outcome).self) { group in
            for probe in probes {
                group.addTask {
                    (probe.key, await QuickCommand.run(probe.argv, environment: environment, timeoutSeconds: timeoutSeconds))
                }
            }
            var found: [String: QuickCommand.Outcome] = [:]
            for await (key, outcome) in group { found[key] = outcome }
            return found
        }
        func value(_ key: String) -> String? {
            guard case .exited(let status, let line)? = found[key], status == 0, !line.isEmpty, line != "(unset)" else { return nil }
            return line
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
        return Detection(tools: tools, account: value("account"), project: value("project"), zone: value("zone"))
    }
}
