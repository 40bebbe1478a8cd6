import Foundation
import SetupPlan
import TestKit
import WizardResources
import XCTest

/// setup.sh's shell library, and whole scripts made from it, pass shellcheck.
final class ShellcheckTests: XCTestCase {
    /// Left out on purpose: `tr ' \t;,' '\n\n\n\n'` maps each of four characters to a newline (SC2020 takes it for a
    /// word replacement); the in-pod Python programs are single-quoted so the shell expands nothing in them (SC2016).
    private static let excluded = ["SC2020", "SC2016"]

    /// shellcheck's path; a skip when it is missing, a failure when `KGW_REQUIRE_TOOLS=1` (as CI sets it).
    private func shellcheck() throws -> String {
        if let path = Spawn.which("shellcheck") { return path }
        let message = "shellcheck not found on PATH (Debian: apt-get install shellcheck)"
        if ProcessInfo.processInfo.environment["KGW_REQUIRE_TOOLS"] == "1" {
            throw MissingTool(message: "\(message), and KGW_REQUIRE_TOOLS=1 requires every tool the tests run")
        }
        throw XCTSkip("\(message): skipped (KGW_REQUIRE_TOOLS=1 makes this a failure)")
    }

    private struct MissingTool: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private func check(_ script: String, _ name: String) throws {
        let result = try runProcess(try shellcheck(), ["--shell=bash", "--exclude=" + Self.excluded.joined(separator: ","), "-"],
                                    stdin: script, timeout: 60)
        XCTAssertEqual(result.status, 0, "\(name):\n\(result.stdout)\(result.stderr)")
    }

    func testTheLibraryPassesShellcheck() throws {
        try check(WizardResources.setupScriptLibrary, "Resources/setup_lib.sh")
    }

    func testGeneratedScriptsPassShellcheck() throws {
        var gpu = Combination(cluster: .createStandard, op: .helm, identity: .direct).answers()
        var group = WorkerGroup(name: "gpu")
        group.gpu = WorkerGroup.GPU(type: "nvidia-l4")
        gpu.ray.workers.append(group)
        gpu.bucket.mount = true
        var existing = Combination(cluster: .existing, op: .gkeAddon, identity: .iamServiceAccount).answers()
        existing.ray.networkPolicy = true
        for answers in [Combination.all[0].answers(), gpu, existing] {
            try check(SetupScript.render(PlanBuilder.build(answers, checkScript: WizardResources.bucketProbeScript)),
                      "setup.sh for \(answers.cluster.mode) \(answers.operator) \(answers.identity.mode)")
        }
    }
}
