import RunViews
import ArgumentParser
import Diagnosis
import Foundation
import RunModel
import SetupPlan
import SetupRunner
import WizardResources

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

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "A workspace whose answers.yaml describes the setup (when --answers is not given).")
    var workspace: String?

    @OptionGroup var answers: AnswersOptions

    @Option(help: ArgumentHelp("The RayCluster to check, instead of the answers' ray.clusterName.", valueName: "name"))
    var raycluster: String?

    @Option(help: "text (one line a link, as each is decided) or json (every check with status, evidence and fix).")
    var format: Format = .text

    @Flag(help: "Do not run the probe inside the Ray pods (no kubectl exec, no test object).")
    var noExec = false

    @OptionGroup var output: OutputOptions

    func run() async throws {
        var source = answers
        if source.answers == nil, let workspace {
            source.answers = URL(fileURLWithPath: workspace).appendingPathComponent("answers.yaml").path
        }
        // Validated like the answer it replaces.
        if let raycluster { source.overrides.append("ray.clusterName=\(raycluster)") }
        let loaded = try source.load()
        let doctor = Doctor(answers: loaded, exec: !noExec, probeScript: WizardResources.doctorProbeScript)
        let view = DoctorView(format: output.format == .json ? .jsonLines : format == .json ? .json : .text)
        let checks = await DoctorSession.run(doctor) { view.show($0) }
        view.finish(checks)
        if !Doctor.healthy(checks) { throw ExitCode(1) }
    }
}
