import Foundation
import TestKit
import Testing

/// The built binary as a user runs it: exit codes, error listings, files written.
@Suite struct CommandLineTests {
    func wizard(_ args: [String], stdin: String? = nil, cwd: URL? = nil) throws -> ProcessResult {
        try runProcess(try TestPaths.wizard.path, args, stdin: stdin, cwd: cwd)
    }

    @Test func testPlanWithOnlyProjectAndBucketDoesTheWholeJob() async throws {
        try await DedicatedThread.run {
            let result = try wizard(["plan", "--set", "project=demo-project", "--set", "bucket.name=my-bucket"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("Plan for project demo-project: 20 steps"), "\(result.stdout)")
            for line in ["$ gcloud container clusters create cloud-bucket-cluster --project demo-project --zone us-west1-b",
                         "$ gcloud storage buckets create gs://my-bucket --project demo-project --location us-west1 --uniform-bucket-level-access",
                         #"$ kubectl apply -f "${RAYCLUSTER_MANIFEST}""#, "authOptions:", "--- raycluster-auth-manual.yaml", "apiVersion: ray.io/v1"] {
                #expect(result.stdout.contains(line), "\(line)")
            }
        }
    }

    @Test func testInvalidAnswersListEveryProblemAndExit2() async throws {
        try await DedicatedThread.run {
            let result = try wizard(["plan", "--set", "project=Bad_Project", "--set", "bucket.name=My_Bucket", "--set", "cluster.nmae=x"])
            #expect(result.status == 2)
            #expect(result.stdout == "")
            #expect(result.stderr.contains("error: 3 problems with the answers; nothing was run or written:"), "\(result.stderr)")
            #expect(result.stderr.contains("  bucket.name \"My_Bucket\": bucket names use lowercase letters, digits, '-', '_' and '.'"))
            #expect(result.stderr.contains("  cluster.nmae: (--set) unknown key"))
            #expect(result.stderr.contains("  project \"Bad_Project\""))
        }
    }

    @Test func testAnswersFileFromStdinAndEveryFormat() async throws {
        try await DedicatedThread.run {
            let yaml = "project: demo-project\nbucket:\n  name: my-bucket\nidentity:\n  mode: direct\n"
            let json = try wizard(["plan", "--answers", "-", "--format", "json"], stdin: yaml)
            #expect(json.status == 0, "\(json.stderr)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(doc["manifest"] as? String != nil)
            let yamlOut = try wizard(["plan", "--answers", "-", "--format", "yaml"], stdin: yaml)
            #expect(yamlOut.stdout.contains("kind: RayCluster"))
            let script = try wizard(["plan", "--answers", "-", "--format", "script"], stdin: yaml)
            #expect(script.stdout.hasPrefix("#!/usr/bin/env bash"))
            let bad = try wizard(["plan", "--answers", "-", "--format", "xml"], stdin: yaml)
            #expect(bad.status != 0)
        }
    }

    @Test func testMissingAnswersFileExits2() async throws {
        try await DedicatedThread.run {
            let result = try wizard(["plan", "--answers", "/nonexistent/answers.yaml"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("cannot read the answers file /nonexistent/answers.yaml"))
        }
    }

    @Test func testAUsageErrorExits2AndNamesTheOption() async throws {
        try await DedicatedThread.run {
            for argv in [["doctor", "--bogus"], ["plan", "--format", "xml"], ["destroy", "--workspace"]] {
                let result = try wizard(argv)
                #expect(result.status == 2, "\(argv): \(result.stderr)")
                #expect(result.stderr.contains("Usage: kuberay-gcs-wizard \(argv[0])"), "\(result.stderr)")
            }
            let help = try wizard(["doctor", "--help"])
            #expect(help.status == 0)
        }
    }

    @Test func testAnUnknownCommandIsAUsageErrorListingTheCommands() async throws {
        try await DedicatedThread.run {
            // The guided wizard's options before the word, or help first, do not hide it.
            for argv in [["launch", "--help"], ["launch"], ["launch", "--answers", "a.yaml"], ["help", "launch"], ["-h", "launch"],
                         ["--plain", "launch", "--help"], ["--workspace", "ws", "launch", "--help"], ["--no-color", "launch"]] {
                let result = try wizard(argv)
                #expect(result.status == 2, "\(argv): \(result.stdout)")
                #expect(result.stdout == "", "\(argv)")
                #expect(result.stderr.contains("Unknown command 'launch'"), "\(argv): \(result.stderr)")
                for command in ["wizard", "plan", "export", "apply", "resume", "status", "doctor", "submit", "session", "destroy"] {
                    #expect(result.stderr.contains("\n  \(command) "), "\(argv) lists \(command): \(result.stderr)")
                }
            }
            // Known words and options still reach their commands.
            #expect(try wizard(["help", "apply"]).status == 0)
            #expect(try wizard(["--version"]).status == 0)
            #expect(try wizard(["apply", "--help"]).stdout.contains("USAGE: kuberay-gcs-wizard apply"))
            #expect(try wizard(["--plain", "--help"]).stdout.contains("USAGE: kuberay-gcs-wizard wizard"))
            let misplaced = try wizard(["--plain", "apply"])
            #expect(misplaced.status == 2 && misplaced.stderr.contains("Unexpected argument 'apply'"), "\(misplaced.stderr)")
        }
    }

    @Test func testExportWritesTheWorkspaceWithPrivateModes() async throws {
        try await DedicatedThread.run {
            let dir = try TestPaths.newTemporaryFolder("export")
            defer { try? FileManager.default.removeItem(at: dir) }
            let workspace = dir.appendingPathComponent("ws")
            let result = try wizard(["export", "--set", "project=demo-project", "--set", "bucket.name=my-bucket", "--workspace", workspace.path])
            #expect(result.status == 0, "\(result.stderr)")
            let fm = FileManager.default
            func mode(_ name: String) throws -> Int {
                try #require(try fm.attributesOfItem(atPath: workspace.appendingPathComponent(name).path)[.posixPermissions] as? Int)
            }
            #expect(try mode("") == 0o700)
            #expect(try mode("answers.yaml") == 0o600)
            #expect(try mode("raycluster.yaml") == 0o600)
            #expect(try mode("setup.sh") == 0o700)
            for rayJob in ["rayjob.yaml", "rayjob-own-cluster.yaml"] {
                #expect(try mode(rayJob) == 0o600)
                #expect(result.stdout.contains("wrote \(workspace.appendingPathComponent(rayJob).path)\n"), "\(result.stdout)")
                let text = try String(contentsOf: workspace.appendingPathComponent(rayJob), encoding: .utf8)
                #expect(text.contains("kind: RayJob") && text.contains("serviceAccountName: my-ksa"), "\(text)")
            }
            let answers = try String(contentsOf: workspace.appendingPathComponent("answers.yaml"), encoding: .utf8)
            #expect(answers.contains("location: us-west1"), "defaults are filled in")
            // The exported answers feed back in and give the same plan.
            let again = try wizard(["plan", "--answers", workspace.appendingPathComponent("answers.yaml").path, "--format", "script"])
            let script = try String(contentsOf: workspace.appendingPathComponent("setup.sh"), encoding: .utf8)
            #expect(again.stdout == script + "\n")
            #expect(try runProcess("/bin/bash", ["-n", workspace.appendingPathComponent("setup.sh").path]).status == 0)
        }
    }

    @Test func testExportWithInvalidAnswersWritesNothing() async throws {
        try await DedicatedThread.run {
            let dir = try TestPaths.newTemporaryFolder("export-bad")
            defer { try? FileManager.default.removeItem(at: dir) }
            let workspace = dir.appendingPathComponent("ws")
            let result = try wizard(["export", "--set", "project=demo-project", "--set", "bucket.name=x", "--workspace", workspace.path])
            #expect(result.status == 2)
            #expect(!(FileManager.default.fileExists(atPath: workspace.path)))
        }
    }

    @Test func testBareCommandWithoutATerminalPointsToTheNonInteractiveForms() async throws {
        try await DedicatedThread.run {
            let result = try wizard([])
            #expect(result.status == 2)
            #expect(result.stderr.contains("plan --answers"), "\(result.stderr)")
            #expect(result.stderr.contains("apply --answers"), "\(result.stderr)")
        }
    }
}
