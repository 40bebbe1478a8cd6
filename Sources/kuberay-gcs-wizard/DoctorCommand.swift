import ArgumentParser
import SetupPlan
import WizardApp

/// `doctor`: the read-only diagnosis of an existing setup, link by link.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Find the broken link of an existing KubeRay + Cloud Storage + Workload Identity setup; change nothing.",
        discussion: """
        Reads the setup with gcloud and kubectl and checks each link, from the gcloud account to a Ray pod writing \
        the bucket; for a broken one it prints the evidence and the command that fixes it. It changes nothing but \
        its own test object, which it deletes. The answers come from --answers/--set, else the workspace's answers.yaml. \
        Exit status: 0 healthy, 1 a link is broken, 2 usage.
        """)

    @Option(help: "A workspace whose \(WorkspaceFiles.answers) describes the setup (when --answers is not given).")
    var workspace: String?

    @OptionGroup var answers: AnswersOptions

    @Option(help: ArgumentHelp("The RayCluster to check, instead of the answers' ray.clusterName.", valueName: "name"))
    var raycluster: String?

    @Option(help: "text (one line a link, as each is decided) or json (every check with status, evidence and fix).")
    var format: DoctorSession.Format = .text

    @Flag(help: "Do not run the probe inside the Ray pods (no kubectl exec, no test object).")
    var noExec = false

    @OptionGroup var output: OutputOptions

    func run() async throws {
        try ExitCode.unlessZero(await DoctorSession.command(answers.source, workspace: workspace, raycluster: raycluster, format: format,
                                                   exec: !noExec, output: output.format))
    }
}

extension DoctorSession.Format: ExpressibleByArgument {}
