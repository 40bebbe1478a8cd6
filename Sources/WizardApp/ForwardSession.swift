import Foundation
import RunModel
import RunViews
import SetupPlan
import SetupRunner
import Synchronization
import WizardModel
#if canImport(Glibc)
import Glibc
#endif

/// `session`: forwards the Ray head's dashboard and client ports of a finished setup through its kube context until
/// Ctrl-C, reconnecting when the forward drops.
public enum ForwardSession {
    /// The settings `session` takes from its command line.
    public struct Settings: Sendable {
        public var dashboardPort = PortForward.dashboard.remote
        public var clientPort = PortForward.client.remote
        /// Seconds between checks that the dashboard answers through the forward.
        public var checkEvery = PortForwardRunner.Options.defaultCheckInterval

        public init() {}
    }

    /// Runs the forward of the setup in `workspace`. Returns 128 + the signal after Ctrl-C (130) or SIGTERM (143),
    /// 1 when the forward cannot start (the cluster is gone, no local port is free), 2 for a workspace without a
    /// finished setup.
    public static func run(workspace: String, settings: Settings) async throws -> Int32 {
        let highest = 65536 - PortForward.portsTried
        for (flag, port) in [("--dashboard-port", settings.dashboardPort), ("--client-port", settings.clientPort)] where !(1...highest).contains(port) {
            throw UsageError("\(flag) must be a port from 1 to \(highest) (the \(PortForward.portsTried - 1) after it are tried too), not \(port)")
        }
        guard settings.checkEvery > 0 else { throw UsageError("--check-every must be more than 0 seconds, not \(settings.checkEvery)") }
        let folder = URL(fileURLWithPath: workspace)
        let answers = try FinishedSetup.answers(workspace: workspace, command: "session")
        let forward = PortForward(answers)
        let logs = folder.appendingPathComponent(WorkspaceFiles.logs)
        try? FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        var options = PortForwardRunner.Options(firstLocal: [settings.dashboardPort, settings.clientPort])
        options.checkInterval = settings.checkEvery
        options.checkTimeout = min(options.checkTimeout, settings.checkEvery)
        let runner = PortForwardRunner(forward: forward, options: options, logPath: folder.appendingPathComponent(WorkspaceFiles.sessionLog).path)
        let view = ForwardView(forward: forward, tokenExport: NextSteps.tokenExport(answers),
                               submitCommand: WorkspaceFiles.submitCommand(workspace: workspace))
        let received = Mutex<Int32?>(nil)
        let signals = InterruptSignals { number in
            received.withLock { $0 = $0 ?? number }
            runner.cancel()
        }
        defer { signals.remove() }
        view.start()
        let end = await runner.run { view.show($0) }
        switch end {
        case .stopped:
            view.stopped()
            return 128 + (received.withLock { $0 } ?? SIGINT)
        case .noFreePort(let name, let first, let last):
            let flag = name == PortForward.dashboard.name ? "--dashboard-port" : "--client-port"
            Console.error("error: every local port from \(first) to \(last) for the \(name) is taken by other programs; "
                          + "free one (`lsof -i :\(first)` names the program) or try others with \(flag) PORT")
            return 1
        case .failed(let reason, let exitCode):
            Console.error(failure(reason: reason, exitCode: exitCode, forward: forward, workspace: workspace))
            return 1
        }
    }

    /// Why the first forward failed, with what fixes it: kubectl missing, its context missing, the head gone.
    static func failure(reason: String, exitCode: Int32?, forward: PortForward, workspace: String) -> String {
        let a = forward.answers
        let doctor = WorkspaceFiles.doctorCommand(workspace: workspace)
        if exitCode == nil {
            return "error: cannot start kubectl (\(reason)); install it, then check the tools with: kuberay-gcs-wizard preflight"
        }
        if reason.contains("context was not found") || reason.contains("context \"\(a.kubeContext)\" does not exist") {
            let credentials = RunSession.plan(for: a).steps.first { $0.id == .getCredentials }.map { ShellQuote.join($0.argv) }
            return "error: kubectl has no context \(a.kubeContext) (\(reason)). If the cluster still exists, add the context with: "
                + (credentials ?? "gcloud container clusters get-credentials \(a.cluster.name)") + "; \(doctor) says whether it does"
        }
        if reason.contains("\"\(forward.service)\" not found") || reason.contains("namespaces \"\(a.identity.namespace)\" not found") {
            return "error: the Ray head service \(forward.service) is not in namespace \(a.identity.namespace) of \(a.kubeContext) "
                + "(\(reason)): the RayCluster \(a.ray.clusterName) is gone. Find what is missing and how to make it again with: \(doctor)"
        }
        return "error: kubectl port-forward of service/\(forward.service) failed: \(reason). Check the setup with: \(doctor)"
    }
}
