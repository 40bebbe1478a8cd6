import ArgumentParser
import Foundation
import SetupPlan
import SetupRunner
import Synchronization
import WizardModel
import WizardResources

/// Runs a plan with the line printer, turns SIGINT/SIGTERM into a clean stop, and maps the result to an exit status.
enum RunSession {
    /// The plan for answers, with the in-pod check script from the resources.
    static func plan(for answers: Answers) -> Plan {
        PlanBuilder.build(answers, checkScript: WizardResources.bucketCheckScript)
    }

    /// Runs `plan` in `workspace`; returns 0 done, 1 a step failed, 130 interrupted. Journal errors exit 2.
    static func run(plan: Plan, workspace: URL, mode: RunMode, options: RunOptions, verbose: Bool,
                    output: OutputOptions.Format = .text) async throws -> Int32 {
        let runner = makeRunner(plan: plan, workspace: workspace, options: options)
        if output == .json {
            let view = JSONRunView(plan: plan, workspace: workspace, resumeCommand: FailureReport.resumeCommand(workspace: workspace.path))
            let signals = InterruptSignals { _ in runner.cancel() }
            defer { signals.remove() }
            do {
                switch try await runner.run(mode: mode, observer: view) {
                case .succeeded: return 0
                case .failed: return 1
                case .interrupted: return 130
                }
            } catch let error as JournalError {
                Console.error("error: \(error)")
                return 2
            }
        }
        let printer = LinePrinter(plan: plan, workspace: workspace,
                                  resumeCommand: FailureReport.resumeCommand(workspace: workspace.path), showOutput: verbose,
                                  writeRaw: WizardDisplay.canRewriteLines && !verbose ? LinePrinter.standardOutputRaw : nil)
        let signals = InterruptSignals { _ in runner.cancel() }
        defer { signals.remove() }
        let verified = Mutex<String?>(nil)
        let verifyIndex = plan.steps.firstIndex { $0.kind == .verify }
        let capture = ClosureObserver { event in
            if case .stepFinished(let outcome) = event, outcome.index == verifyIndex, outcome.status == .done {
                verified.withLock { $0 = outcome.result }
            }
        }
        do {
            switch try await runner.run(mode: mode, observer: ObserverGroup([printer, capture])) {
            case .succeeded:
                if let text = verified.withLock({ $0 }) {
                    Console.out("A Ray task in the cluster wrote gs://\(plan.answers.bucket.name)/\(PlanBuilder.checkObject) and read back: \(text)")
                }
                Console.out("Dashboard: \(NextSteps.portForward(plan.answers))")
                if let train = NextSteps.trainStorage(plan.answers) { Console.out("Ray Train checkpoints on the bucket: \(train)") }
                return 0
            case .failed: return 1
            case .interrupted: return 130
            }
        } catch let error as JournalError {
            Console.error("error: \(error)")
            return 2
        }
    }

    /// The engine for `plan` in `workspace`, its journal keyed by the normalized answers.
    static func makeRunner(plan: Plan, workspace: URL, options: RunOptions) -> SetupRunner {
        let normalized = AnswersFile.normalizedYAML(plan.answers)
        return SetupRunner(plan: plan, workspace: workspace, fingerprint: Fingerprint.make(normalizedAnswers: normalized),
                           normalizedAnswers: normalized, options: options)
    }

    /// The workspace's journal (nil when there is none); an unreadable or foreign one is printed and exits 2.
    static func loadJournal(workspace: URL) throws -> Journal? {
        do {
            return try Journal.load(workspace: workspace)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
    }

    /// Fails with exit 2 when the workspace's journal is unreadable or belongs to other answers.
    static func checkJournal(workspace: URL, answers: Answers, allowChanged: Bool) throws {
        let journal = try loadJournal(workspace: workspace)
        let normalized = AnswersFile.normalizedYAML(answers)
        if let journal, !allowChanged, journal.fingerprint != Fingerprint.make(normalizedAnswers: normalized) {
            let error = JournalError.answersChanged(path: workspace.appendingPathComponent("state.json").path,
                                                    diff: AnswersDiff.text(old: journal.normalizedAnswers, new: normalized))
            Console.error("error: \(error)\nNothing was written; or use another --workspace.")
            throw ExitCode(2)
        }
    }
}
