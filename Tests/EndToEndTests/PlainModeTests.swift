import Foundation
import SetupPlan
import TestKit
import Testing

/// The plain wizard (line prompts) as a screen-reader user meets it: the built binary on a pseudo-terminal,
/// fake cloud tools first on PATH, every question answered by its label.
@Suite struct PlainModeTests {
    @Test func testDumbTerminalAsksLinePromptsChecksAnswersPreviewsAndRunsToDone() async throws {
        try await DedicatedThread.run {
            let root = try TestPaths.newTemporaryFolder("plain")
            defer { try? FileManager.default.removeItem(at: root) }
            let world = try FakeCloud(root: root)
            var environment = world.environment
            environment["TERM"] = "dumb"
            let workspace = root.appendingPathComponent("ws")
            let program = try PTYProgram([try TestPaths.wizard.path, "--workspace", workspace.path], environment: environment)

            let defaults = Answers()
            var offset = try answerQuestions(program, [
                "Project ID": ["", "ray-demo-123"],
                "Bucket name": ["My_Bucket", "ray-demo-bucket"],
            ])
            let screen = program.text
            // The default in brackets, kept by Enter.
            #expect(screen.contains("Zone [\(defaults.zone)]: \n"), "\(screen)")
            #expect(screen.contains("Ray version [\(defaults.ray.version)]: \n"), "\(screen)")
            // The same message the answers file and the full-screen page give, then the question again.
            var bad = defaults
            bad.bucket.name = "My_Bucket"
            let message = try #require(Validator.validate(field: "bucket.name", in: bad).first)
            #expect(screen.contains("Bucket name []: My_Bucket\nerror: \(message)\nBucket name []: ray-demo-bucket\n"), "\(screen)")
            // Enter keeps an empty project, which the validator does not take.
            let missing = try #require(Validator.validate(field: "project", in: defaults).first)
            #expect(screen.contains("Project ID []: \nerror: \(missing)\nProject ID []: ray-demo-123\n"), "\(screen)")
            // apply's preview, then its confirm.
            var answers = defaults
            answers.project = "ray-demo-123"
            answers.bucket.name = "ray-demo-bucket"
            let planHead = try #require(PlanText.render(PlanBuilder.build(answers, checkScript: "")).split(separator: "\n").first)
            #expect(screen.contains(String(planHead)), "\(screen)")
            #expect(screen.contains("--- raycluster.yaml ---"), "\(screen)")

            program.typeLine("y")
            let steps = PlanBuilder.build(answers, checkScript: "").steps.count
            try program.waitFor("All \(steps) steps complete", after: offset, timeout: 120)
            #expect(try program.waitForExit() == 0, "\(program.text)")
            offset = screen.count
            let run = String(program.text.dropFirst(offset))
            #expect(run.contains("[ 1/\(steps)] "), "\(run)")
            #expect(run.contains("Dashboard on localhost (kept up until Ctrl-C): kuberay-gcs-wizard session --workspace "), "\(run)")
            // A dumb terminal gets no escape sequences at all: no full-screen UI, no line rewritten in place.
            #expect(!(program.text.contains("\u{1B}")), "\(program.text)")
            for file in ["answers.yaml", "raycluster.yaml", "setup.sh", "state.json"] {
                #expect(FileManager.default.fileExists(atPath: workspace.appendingPathComponent(file).path), "\(file)")
            }
        }
    }

    @Test func testPlainFlagSavesTheFilesWithoutRunning() async throws {
        try await DedicatedThread.run {
            let root = try TestPaths.newTemporaryFolder("plain-save")
            defer { try? FileManager.default.removeItem(at: root) }
            let world = try FakeCloud(root: root)
            let workspace = root.appendingPathComponent("ws")
            // A terminal that could draw the full-screen UI: --plain asks for lines anyway.
            let program = try PTYProgram([try TestPaths.wizard.path, "--plain", "--workspace", workspace.path], environment: world.environment)
            try answerQuestions(program, ["Project ID": ["ray-demo-123"], "Bucket name": ["ray-demo-bucket"]])
            program.typeLine("s")
            #expect(try program.waitForExit() == 0, "\(program.text)")
            let files = ["answers.yaml", "raycluster.yaml", "raycluster-auth-manual.yaml", "rayjob.yaml", "rayjob-own-cluster.yaml", "setup.sh"]
            #expect(program.text.contains("Wrote \(files.dropLast().joined(separator: ", ")) and setup.sh to \(workspace.path)."), "\(program.text)")
            for file in files {
                #expect(FileManager.default.fileExists(atPath: workspace.appendingPathComponent(file).path), "the message names \(file): it is there")
            }
            let saved = try String(contentsOf: workspace.appendingPathComponent("answers.yaml"), encoding: .utf8)
            #expect(saved.contains("name: ray-demo-bucket"), "\(saved)")
            #expect(!(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("state.json").path)), "nothing ran")
            #expect(world.calls().filter { $0.contains("create") } == [], "nothing was created")
        }
    }

    /// Answers each question as it appears, by its label: the next of `typed[label]`, else Enter (the default);
    /// returns at the confirm, with the length of the output by then.
    @discardableResult
    private func answerQuestions(_ program: PTYProgram, _ typed: [String: [String]]) throws -> Int {
        var remaining = typed
        var offset = 0
        while true {
            let text = try program.waitFor("]: ", after: offset)
            let fresh = text.dropFirst(offset)
            guard let end = fresh.range(of: "]: ", options: .backwards) else { continue }
            let line = fresh[..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
            offset = text.count - fresh.distance(from: end.upperBound, to: fresh.endIndex)
            if line.hasPrefix("Proceed?") { return text.count }
            let label = String(line.prefix { $0 != "[" && $0 != "(" }).trimmingCharacters(in: .whitespaces)
            let value = remaining[label]?.first ?? ""
            if remaining[label]?.isEmpty == false { remaining[label]?.removeFirst() }
            program.typeLine(value)
        }
    }
}
