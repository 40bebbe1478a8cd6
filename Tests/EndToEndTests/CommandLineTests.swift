import Foundation
import TestKit
import XCTest

/// The built binary as a user runs it: exit codes, error listings, files written.
final class CommandLineTests: XCTestCase {
    func wizard(_ args: [String], stdin: String? = nil, cwd: URL? = nil) throws -> ProcessResult {
        try runProcess(try TestPaths.wizard.path, args, stdin: stdin, cwd: cwd)
    }

    func testPlanWithOnlyProjectAndBucketDoesTheWholeJob() throws {
        let result = try wizard(["plan", "--set", "project=demo-project", "--set", "bucket.name=my-bucket"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("Plan for project demo-project: 20 steps"), result.stdout)
        for line in ["$ gcloud container clusters create cloud-bucket-cluster --project demo-project --zone us-west1-b",
                     "$ gcloud storage buckets create gs://my-bucket --project demo-project --location us-west1 --uniform-bucket-level-access",
                     #"$ kubectl apply -f "${RAYCLUSTER_MANIFEST}""#, "authOptions:", "--- raycluster-auth-manual.yaml", "apiVersion: ray.io/v1"] {
            XCTAssertTrue(result.stdout.contains(line), line)
        }
    }

    func testInvalidAnswersListEveryProblemAndExit2() throws {
        let result = try wizard(["plan", "--set", "project=Bad_Project", "--set", "bucket.name=My_Bucket", "--set", "cluster.nmae=x"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("error: 3 problems with the answers; nothing was run or written:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("  bucket.name \"My_Bucket\": bucket names use lowercase letters, digits, '-', '_' and '.'"))
        XCTAssertTrue(result.stderr.contains("  cluster.nmae: (--set) unknown key"))
        XCTAssertTrue(result.stderr.contains("  project \"Bad_Project\""))
    }

    func testAnswersFileFromStdinAndEveryFormat() throws {
        let yaml = "project: demo-project\nbucket:\n  name: my-bucket\nidentity:\n  mode: direct\n"
        let json = try wizard(["plan", "--answers", "-", "--format", "json"], stdin: yaml)
        XCTAssertEqual(json.status, 0, json.stderr)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertNotNil(doc["manifest"] as? String)
        let yamlOut = try wizard(["plan", "--answers", "-", "--format", "yaml"], stdin: yaml)
        XCTAssertTrue(yamlOut.stdout.contains("kind: RayCluster"))
        let script = try wizard(["plan", "--answers", "-", "--format", "script"], stdin: yaml)
        XCTAssertTrue(script.stdout.hasPrefix("#!/usr/bin/env bash"))
        let bad = try wizard(["plan", "--answers", "-", "--format", "xml"], stdin: yaml)
        XCTAssertNotEqual(bad.status, 0)
    }

    func testMissingAnswersFileExits2() throws {
        let result = try wizard(["plan", "--answers", "/nonexistent/answers.yaml"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("cannot read the answers file /nonexistent/answers.yaml"))
    }

    func testAUsageErrorExits2AndNamesTheOption() throws {
        for argv in [["doctor", "--bogus"], ["plan", "--format", "xml"], ["destroy", "--workspace"]] {
            let result = try wizard(argv)
            XCTAssertEqual(result.status, 2, "\(argv): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("Usage: kuberay-gcs-wizard \(argv[0])"), result.stderr)
        }
        let help = try wizard(["doctor", "--help"])
        XCTAssertEqual(help.status, 0)
    }

    func testAnUnknownCommandIsAUsageErrorListingTheCommands() throws {
        for argv in [["submit", "--help"], ["submit"], ["submit", "--answers", "a.yaml"], ["help", "submit"]] {
            let result = try wizard(argv)
            XCTAssertEqual(result.status, 2, "\(argv): \(result.stdout)")
            XCTAssertEqual(result.stdout, "", "\(argv)")
            XCTAssertTrue(result.stderr.contains("Unknown command 'submit'"), "\(argv): \(result.stderr)")
            for command in ["wizard", "plan", "export", "apply", "resume", "status", "doctor", "session", "destroy"] {
                XCTAssertTrue(result.stderr.contains("\n  \(command) "), "\(argv) lists \(command): \(result.stderr)")
            }
        }
        // Known words and options still reach their commands.
        XCTAssertEqual(try wizard(["help", "apply"]).status, 0)
        XCTAssertEqual(try wizard(["--version"]).status, 0)
        XCTAssertTrue(try wizard(["apply", "--help"]).stdout.contains("USAGE: kuberay-gcs-wizard apply"))
    }

    func testExportWritesTheWorkspaceWithPrivateModes() throws {
        let dir = try TestPaths.temporaryFolder(self, "export")
        let workspace = dir.appendingPathComponent("ws")
        let result = try wizard(["export", "--set", "project=demo-project", "--set", "bucket.name=my-bucket", "--workspace", workspace.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let fm = FileManager.default
        func mode(_ name: String) throws -> Int {
            try XCTUnwrap(try fm.attributesOfItem(atPath: workspace.appendingPathComponent(name).path)[.posixPermissions] as? Int)
        }
        XCTAssertEqual(try mode(""), 0o700)
        XCTAssertEqual(try mode("answers.yaml"), 0o600)
        XCTAssertEqual(try mode("raycluster.yaml"), 0o600)
        XCTAssertEqual(try mode("setup.sh"), 0o700)
        for rayJob in ["rayjob.yaml", "rayjob-own-cluster.yaml"] {
            XCTAssertEqual(try mode(rayJob), 0o600)
            XCTAssertTrue(result.stdout.contains("wrote \(workspace.appendingPathComponent(rayJob).path)\n"), result.stdout)
            let text = try String(contentsOf: workspace.appendingPathComponent(rayJob), encoding: .utf8)
            XCTAssertTrue(text.contains("kind: RayJob") && text.contains("serviceAccountName: my-ksa"), text)
        }
        let answers = try String(contentsOf: workspace.appendingPathComponent("answers.yaml"), encoding: .utf8)
        XCTAssertTrue(answers.contains("location: us-west1"), "defaults are filled in")
        // The exported answers feed back in and give the same plan.
        let again = try wizard(["plan", "--answers", workspace.appendingPathComponent("answers.yaml").path, "--format", "script"])
        let script = try String(contentsOf: workspace.appendingPathComponent("setup.sh"), encoding: .utf8)
        XCTAssertEqual(again.stdout, script + "\n")
        XCTAssertEqual(try runProcess("/bin/bash", ["-n", workspace.appendingPathComponent("setup.sh").path]).status, 0)
    }

    func testExportWithInvalidAnswersWritesNothing() throws {
        let dir = try TestPaths.temporaryFolder(self, "export-bad")
        let workspace = dir.appendingPathComponent("ws")
        let result = try wizard(["export", "--set", "project=demo-project", "--set", "bucket.name=x", "--workspace", workspace.path])
        XCTAssertEqual(result.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.path))
    }

    func testBareCommandWithoutATerminalPointsToTheNonInteractiveForms() throws {
        let result = try wizard([])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("plan --answers"), result.stderr)
        XCTAssertTrue(result.stderr.contains("apply --answers"), result.stderr)
    }
}
