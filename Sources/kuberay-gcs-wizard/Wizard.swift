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
          doctor   find the broken link of an existing setup (changes nothing)
          destroy  remove what a workspace's run created (resumable)
        """,
        version: ToolVersion.text,
        subcommands: [InteractiveCommand.self, PlanCommand.self, ExportCommand.self, ApplyCommand.self, ResumeCommand.self, StatusCommand.self,
                      DoctorCommand.self, DestroyCommand.self],
        defaultSubcommand: InteractiveCommand.self
    )
}
