import Foundation
import RunModel
import SetupPlan

extension Journal {
    /// The journal a run in `mode` starts from, given what is on disk (`existing`) and the plan.
    ///
    /// Throws `JournalError.noJournal` for `resume` without a journal and `.answersChanged` when it was written for
    /// other answers outside `replan`: a journal is never silently reused for other answers. A run of other answers
    /// that preflight stopped is replaced by a fresh one.
    static func prepare(
        existing: Journal?, mode: RunMode, plan: Plan, normalizedAnswers: String, journalPath: String, now: Date = Date()
    ) throws -> Journal {
        var fresh = Journal(normalizedAnswers: normalizedAnswers, steps: plan.steps, files: plan.contents(of:), now: now)
        guard let existing else {
            if mode == .resume { throw JournalError.noJournal(path: journalPath) }
            return fresh
        }
        guard existing.admits(normalizedAnswers: normalizedAnswers, mode: mode) else {
            throw JournalError.answersChanged(
                path: journalPath, diff: AnswersDiff.text(old: existing.normalizedAnswers, new: normalizedAnswers))
        }
        if mode == .fresh && !existing.isFor(normalizedAnswers: normalizedAnswers) { return fresh }
        fresh.createdAt = existing.createdAt
        switch mode {
        case .fresh:
            // Every step is probed again; values read earlier stay usable until re-captured.
            fresh.captures = existing.captures
        case .resume:
            fresh.captures = existing.captures
            for index in fresh.steps.indices {
                guard let old = existing.step(fresh.steps[index].id) else { continue }
                let command = fresh.steps[index].command
                fresh.steps[index] = old
                fresh.steps[index].title = plan.steps[index].title
                fresh.steps[index].logPath = WorkspaceFiles.logPath(index: index, stepID: old.id)
                fresh.steps[index].command = command
            }
            // A step that failed or was cut off may need earlier steps set up again before it runs (a fresh check).
            for (index, step) in plan.steps.enumerated() {
                guard let restarts = step.restartsWith, [.failed, .interrupted, .running].contains(fresh.steps[index].status) else { continue }
                for earlier in fresh.steps.indices where restarts.contains(fresh.steps[earlier].id) && fresh.steps[earlier].status.isComplete {
                    fresh.steps[earlier].status = .pending
                }
            }
        case .replan:
            // The answers changed, and with them what earlier steps proved: a step with a probe is probed again (what
            // exists is found, not made twice; a new manifest's head pod lacks what was installed in the old one),
            // captured values are read again (another project's number), checks and the in-cluster verification run
            // again. Only a finished step that cannot be probed is kept, while its command and files are the same.
            for index in fresh.steps.indices {
                let step = plan.steps[index]
                guard let old = existing.step(step.id), old.status.isComplete, JournalStep.isKeptWhileUnchanged(step),
                      let command = fresh.steps[index].command, old.command == command else { continue }
                fresh.steps[index] = old
                fresh.steps[index].title = step.title
                fresh.steps[index].logPath = WorkspaceFiles.logPath(index: index, stepID: old.id)
            }
        }
        return fresh
    }
}
