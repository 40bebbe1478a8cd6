import Foundation
import RunModel
import RunViews
import SetupPlan
import SetupRunner

/// `runner-child --steps FILE --workspace DIR [--mode fresh|resume|replan] [--parallel N]`:
/// runs a JSON array of `Step`s with the line printer, N at once (default 1: in order); SIGINT/SIGTERM cancel;
/// exit 0 / 1 / 130 like `apply`.
///
/// The process-level tests need the engine in a process they can kill -9 or signal; a test target cannot
/// host that, so this executable does.
enum RunnerChild {
    static func main(_ arguments: [String]) async {
        var values: [String: String] = [:]
        var index = 0
        while index + 1 < arguments.count {
            values[arguments[index]] = arguments[index + 1]
            index += 2
        }
        guard let stepsPath = values["--steps"], let workspacePath = values["--workspace"],
              let mode = RunMode(rawValue: values["--mode"] ?? "fresh") else {
            fail("usage: runner-child --steps FILE --workspace DIR [--mode fresh|resume|replan] [--parallel N]", code: 2)
        }
        let steps: [Step]
        do {
            steps = try JSONDecoder().decode([Step].self, from: Data(contentsOf: URL(fileURLWithPath: stepsPath)))
        } catch {
            fail("cannot read \(stepsPath): \(error)", code: 2)
        }
        let plan = Plan(answers: Answers(), steps: steps, manifest: "", checkScript: "")
        let workspace = URL(fileURLWithPath: workspacePath)
        var options = RunOptions()
        options.concurrency = values["--parallel"].flatMap { Int($0) } ?? 1
        let runner = SetupRunner(plan: plan, workspace: workspace, options: options)
        let signals = InterruptSignals { _ in runner.cancel() }
        defer { signals.remove() }
        do {
            let result = try await runner.run(mode: mode, observer: TextRunView(plan: plan, workspace: workspace))
            switch result {
            case .succeeded: exit(0)
            case .failed: exit(1)
            case .interrupted: exit(130)
            }
        } catch {
            fail("\(error)", code: 2)
        }
    }

    private static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(code)
    }
}

await RunnerChild.main(Array(CommandLine.arguments.dropFirst()))
