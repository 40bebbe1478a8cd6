import ArgumentParser

/// The `kuberay-gcs-wizard` command: the interactive wizard, plus its non-interactive forms.
struct Wizard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kuberay-gcs-wizard",
        abstract: "Set up a KubeRay cluster on GKE whose Ray pods read and write a Cloud Storage bucket through Workload Identity.",
        discussion: """
        Run without a subcommand in a terminal for the guided wizard. Non-interactive forms:
          plan     show every command and the RayCluster manifest, run nothing
          export   write answers.yaml, raycluster.yaml and setup.sh to a workspace
          apply    run the plan with live progress (resumable)
          resume   continue a run that failed or was interrupted
          status   show the steps of a workspace and their states
        """,
        version: ToolVersion.text,
        subcommands: [InteractiveCommand.self, PlanCommand.self, ExportCommand.self, ApplyCommand.self, ResumeCommand.self, StatusCommand.self],
        defaultSubcommand: InteractiveCommand.self
    )

    /// The workspace when `arguments` ask for the wizard with nothing but (at most) `--workspace PATH`, else nil.
    static func plainWizardWorkspace(_ arguments: [String]) -> String? {
        switch arguments.count {
        case 0:
            return InteractiveCommand.defaultWorkspace
        case 1 where arguments[0].hasPrefix("--workspace="):
            let path = String(arguments[0].dropFirst("--workspace=".count))
            return path.isEmpty ? nil : path
        case 2 where arguments[0] == "--workspace" && !arguments[1].isEmpty && !arguments[1].hasPrefix("-"):
            return arguments[1]
        default:
            return nil
        }
    }
}
