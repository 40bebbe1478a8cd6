import Diagnosis
import RunViews
import WizardResources

extension DoctorSession {
    /// How `doctor` reports.
    public enum Format: String, Sendable, CaseIterable {
        /// One line a link, as each is decided.
        case text
        /// Every check with status, evidence and fix.
        case json
    }

    /// `doctor`: the read-only diagnosis of the setup `source` describes (else the workspace's answers), or of the
    /// RayCluster `raycluster` instead of the answers'. Returns 0 healthy, 1 a link is broken.
    public static func command(_ source: AnswersSource, workspace: String?, raycluster: String?, format: Format, exec: Bool,
                               output: OutputFormat) async throws -> Int32 {
        var source = source.orWorkspace(workspace)
        // Validated like the answer it replaces.
        if let raycluster { source.overrides.append("ray.clusterName=\(raycluster)") }
        let doctor = Doctor(answers: try source.load(), exec: exec, probeScript: WizardResources.bucketProbeScript)
        let view = DoctorView(format: output == .json ? .jsonLines : format == .json ? .json : .text)
        let checks = await run(doctor) { view.show($0) }
        view.finish(checks)
        return Doctor.healthy(checks) ? 0 : 1
    }
}
