import ArgumentParser
import WizardApp

/// The `kuberay-gcs-wizard` command: the interactive wizard, plus its non-interactive forms.
struct Wizard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kuberay-gcs-wizard",
        abstract: "Set up a KubeRay cluster on GKE whose Ray pods read and write a Cloud Storage bucket through Workload Identity.",
        discussion: "Run without a subcommand in a terminal for the guided wizard; the subcommands below are its non-interactive forms.",
        version: ToolVersion.text,
        subcommands: [InteractiveCommand.self, PlanCommand.self, ExportCommand.self, ApplyCommand.self, ResumeCommand.self, StatusCommand.self,
                      PreflightCommand.self, DoctorCommand.self, DestroyCommand.self],
        defaultSubcommand: InteractiveCommand.self
    )
}
