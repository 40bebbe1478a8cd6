import SetupPlan
import XCTest

/// `session`'s port-forward: the argv names the head service, the namespace and the wizard's own context.
final class PortForwardTests: XCTestCase {
    func testTheArgvForwardsBothHeadPortsThroughTheWizardsContextOnLoopbackOnly() {
        var answers = Answers()
        answers.project = "my-project"
        answers.identity.namespace = "ray"
        answers.ray.clusterName = "ml"
        let forward = PortForward(answers)
        XCTAssertEqual(forward.service, "ml-head-svc")
        XCTAssertEqual(forward.argv(local: [8266, 10001]), [
            "kubectl", "port-forward", "service/ml-head-svc", "--namespace", "ray", "--address", "127.0.0.1",
            "8266:8265", "10001:10001", "--context", answers.kubeContext,
        ])
        XCTAssertEqual(PortForward.dashboardURL(port: 8266), "http://127.0.0.1:8266")
        XCTAssertEqual(PortForward.clientAddress(port: 10001), "ray://127.0.0.1:10001")
    }

    func testTheCommandsAreQuotedForAShell() {
        XCTAssertEqual(WorkspaceFiles.sessionCommand(workspace: "my setup"), "kuberay-gcs-wizard session --workspace 'my setup'")
        XCTAssertEqual(WorkspaceFiles.submitCommand(workspace: "ws"), "kuberay-gcs-wizard submit --workspace ws -- ENTRYPOINT")
    }
}
