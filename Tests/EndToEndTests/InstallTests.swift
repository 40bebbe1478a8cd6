import Foundation
import SetupPlan
import TestKit
import Testing

/// The binary as it is installed: copied alone into a folder, run without the Swift toolchain; its completions.
@Suite struct InstallTests {
    /// The binary to install: `KGW_RELEASE_BINARY` (what `.ci/run` builds with `swift build -c release`), else the
    /// one built next to the tests, which is linked the same way (Package.swift's static Swift runtime).
    private func installableBinary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["KGW_RELEASE_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return try TestPaths.wizard
    }

    /// The shared libraries README's install section says the binary needs (the system's, none of Swift's).
    private static let documentedLibraries: Set<String> = [
        "libncursesw.so.6", "libtinfo.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libm.so.6", "libc.so.6", "ld-linux-x86-64.so.2",
    ]

    @Test func testCopiedBinaryRunsFromAnEmptyFolderWithoutTheSwiftToolchain() async throws {
        try await DedicatedThread.run {
            let folder = try TestPaths.newTemporaryFolder("install")
            defer { try? FileManager.default.removeItem(at: folder) }
            let bin = folder.appendingPathComponent("bin")
            let work = folder.appendingPathComponent("work")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let installed = bin.appendingPathComponent("kuberay-gcs-wizard")
            // Copied by cp, not by this process: see `TestPaths.linkExecutable`.
            let binary = try installableBinary()
            #expect(Spawn.run(["/bin/cp", binary.path, installed.path], environment: [:]).status == 0, "cp \(binary.path) \(installed.path)")
            // Only the system's folders: no swift, no toolchain libraries, nothing from the build folder.
            let env = ["PATH": "/usr/bin:/bin", "HOME": folder.path, "TERM": "dumb"]
            #expect(try runProcess("/bin/sh", ["-c", "command -v swift"], env: env).status != 0, "swift must not be on the test's PATH")

            let version = try runProcess(installed.path, ["--version"], env: env, cwd: work)
            #expect(version.status == 0, "\(version.stderr)")
            #expect(version.stdout.contains("KubeRay operator \(KubeRay.operatorVersion)"), "\(version.stdout)")
            #expect(version.stdout.contains("Ray \(Answers.defaults.ray.version)"), "\(version.stdout)")

            let plan = try runProcess(installed.path, ["plan", "--set", "project=demo-project", "--set", "bucket.name=my-bucket"],
                                      env: env, cwd: work)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("kind: RayCluster"), "\(plan.stdout)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: work.path) == [], "plan writes nothing")

            guard let readelf = Spawn.which("readelf") else { return }
            let dynamic = try runProcess(readelf, ["-d", installed.path])
            let needed = Set(dynamic.stdout.split(separator: "\n").compactMap { line -> String? in
                guard line.contains("(NEEDED)"), let open = line.lastIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
                return String(line[line.index(after: open)..<close])
            })
            #expect(!(needed.isEmpty), "\(dynamic.stdout)")
            #expect(needed.isSubset(of: Self.documentedLibraries), "needs libraries README does not name: \(needed.subtracting(Self.documentedLibraries).sorted())")
        }
    }

    @Test func testBashCompletionOffersTheAnswerKeysForSet() async throws {
        try await DedicatedThread.run {
            let bash = try RequiredTool.path("bash", for: "the completion test")
            let script = try runProcess(try TestPaths.wizard.path, ["--generate-completion-script", "bash"])
            #expect(script.status == 0, "\(script.stderr)")
            let folder = try TestPaths.newTemporaryFolder("completion")
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("kuberay-gcs-wizard.bash")
            try script.stdout.write(to: file, atomically: true, encoding: .utf8)
            // What bash does on Tab after `kuberay-gcs-wizard apply --set buc`.
            let complete = """
            source "$1"
            COMP_WORDS=(kuberay-gcs-wizard apply --set buc); COMP_CWORD=3
            COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
            _kuberay-gcs-wizard kuberay-gcs-wizard buc --set
            printf '%s\\n' "${COMPREPLY[@]}"
            """
            let result = try runProcess(bash, ["-c", complete, "bash", file.path])
            #expect(result.status == 0, "\(result.stderr)")
            let offered = result.stdout.split(separator: "\n").map(String.init)
            #expect(offered == AnswerFields.all.map(\.path).filter { $0.hasPrefix("buc") }.map { $0 + "=" })
        }
    }
}
