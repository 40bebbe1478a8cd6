import ArgumentParser
import SetupPlan
import WizardApp

/// `session`: the Ray dashboard and client ports of a finished setup on localhost, kept up until Ctrl-C.
struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Forward the Ray dashboard and client ports of a finished setup to localhost, reconnecting until Ctrl-C.",
        discussion: """
        Runs kubectl port-forward of the RayCluster's head service through the setup's own kube context. A local port \
        that is taken is skipped for the next free one (up to \(PortForward.portsTried - 1) further), and said. When the \
        forward drops (kubectl exits, or the dashboard stops answering through it) it starts again after a short pause. \
        Prints the dashboard URL and how to load the Ray token. kubectl's lines go to \(WorkspaceFiles.sessionLog). \
        Exit status: 130 after Ctrl-C (143 after SIGTERM), 1 when the forward cannot start, 2 without a finished setup.
        """)

    @Option(help: "The workspace folder of the setup.")
    var workspace: String = WorkspaceFiles.defaultFolder

    @Option(help: ArgumentHelp("The first local port tried for the Ray dashboard.", valueName: "port"))
    var dashboardPort: Int = PortForward.dashboard.remote

    @Option(help: ArgumentHelp("The first local port tried for the Ray client.", valueName: "port"))
    var clientPort: Int = PortForward.client.remote

    @Option(help: ArgumentHelp("Seconds between checks that the dashboard answers through the forward.", valueName: "seconds"))
    var checkEvery: Double = ForwardSession.Settings().checkEvery

    func run() async throws {
        var settings = ForwardSession.Settings()
        settings.dashboardPort = dashboardPort
        settings.clientPort = clientPort
        settings.checkEvery = checkEvery
        try ExitCode.unlessZero(await ForwardSession.run(workspace: workspace, settings: settings))
    }
}
