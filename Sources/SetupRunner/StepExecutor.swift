import Foundation
import RunModel
import SetupPlan

/// Runs one step: placeholders, probe, the command with retries, already-exists detection, captures, hints.
struct StepExecutor: Sendable {
    let runner: CommandRunner
    let options: RunOptions
    let stop: StopSwitch
    let workspace: Workspace
    let plan: Plan

    /// What a step produced: its outcome plus values to capture.
    struct Result {
        var outcome: StepOutcome
        var captures: [String: String] = [:]
        var attempts: Int
    }

    /// Runs `step`; `firstStart`: no earlier run of the workspace started it.
    func execute(index: Int, step: Step, captures: [String: String], firstStart: Bool, observer: any RunObserver) async -> Result {
        let logPath = WorkspaceFiles.logPath(index: index, stepID: step.id)
        let started = ContinuousClock.now
        func finish(_ status: StepStatus, _ command: CommandResult? = nil, hint: Hint? = nil, attempts: Int = 0,
                    captured: [String: String] = [:], expected: String? = nil) -> Result {
            let trimmed = command.map { Self.trimmed($0.stdout) } ?? ""
            let outcome = StepOutcome(
                index: index, stepID: step.id, status: status, exitCode: command?.exitCode,
                timedOut: command.map(Self.timedOut) ?? false, expected: expected, hint: hint,
                seconds: CommandRunner.seconds(ContinuousClock.now - started), logPath: logPath,
                stderrTail: Array((command?.stderrTail ?? []).suffix(20)),
                result: trimmed.isEmpty ? nil : String(trimmed.prefix(4096)))
            return Result(outcome: outcome, captures: captured, attempts: attempts)
        }

        let log: LogWriter
        do {
            log = try LogWriter(path: workspace.url.appendingPathComponent(logPath).path)
        } catch {
            return finish(.failed, hint: Hint(summary: "Cannot write the step's log: \(error)",
                                              fix: "Check the workspace folder's permissions and free space."))
        }
        log.write("=== \(ISOTime.string(Date())) \(step.title)")

        let missing = step.placeholders.filter { captures[$0] == nil }
        if !missing.isEmpty {
            let providers = plan.steps.filter { !Set($0.captures).isDisjoint(with: missing) }.map(\.id.rawValue)
            let hint = Hint(
                summary: "No value for \(missing.map { "${\($0)}" }.joined(separator: ", ")): the step that reads it "
                    + (providers.isEmpty ? "is not in the plan." : "(\(providers.joined(separator: ", "))) has not produced it."),
                fix: "Resume with --replan so the value is read again.")
            log.write("# \(hint.summary)")
            return finish(.failed, hint: hint)
        }
        if let condition = step.runsWhen, !condition.holds(captures) {
            let note = "not needed: ${\(condition.placeholder)} is \(captures[condition.placeholder] ?? ""), not \(condition.equals)"
            log.write("# " + note)
            await observer.handle(.stepNote(index: index, stepID: step.id, note: note))
            return finish(.skipped)
        }
        let argv = step.argv.map { Placeholder.substitute($0, captures) }
        // Made once per step, so a retry sends the same value; it goes to the command's stdin and nowhere else.
        let input = step.input.map(Self.make)
        let capturesKnown = step.captures.allSatisfy { captures[$0] != nil }

        /// Runs the probe: whether it proves the step's effect is there (for a delete: that the thing is gone).
        func probed(_ probe: Probe) async -> CommandResult {
            await observer.handle(.stepNote(index: index, stepID: step.id, note: RunNote.probing))
            let probeArgv = probe.argv.map { Placeholder.substitute($0, captures) }
            log.write("# probe: $ " + ShellQuote.join(probeArgv))
            let result = await runner.run(argv: probeArgv, timeout: options.probeTimeoutSeconds, stop: stop, log: log, output: nil)
            log.write("# probe \(Self.describe(result))")
            return result
        }
        func proves(_ probe: Probe, _ result: CommandResult) -> Bool {
            if result.succeeded { return probe.expect.substituting(captures).accepts(result.stdout) }
            // What holds the thing is gone (a binding's bucket or account), so the thing is gone too.
            return step.kind == .delete && FailureClassifier.isNotFound(stderr: result.stderrTail)
        }

        if let probe = step.probe, !(probe.onlyAfterAnEarlierStart && firstStart) {
            let result = await probed(probe)
            if result.stopReason == .cancelled { return finish(.interrupted, result) }
            // A step that provides values must run to read them, unless running it again would create something.
            if proves(probe, result) && (capturesKnown || step.kind == .create || step.kind == .delete) {
                return finish(.alreadyDone, result)
            }
        }

        let sink = OutputSink(source: OutputSource(index: index, stepID: step.id),
                              deliver: { lines in await observer.handle(output: lines) })
        let attempts = max(1, step.retry?.attempts ?? 1)
        let timeout = options.timeout(for: step.id, default: step.timeoutSeconds)
        // A wait for pods is watched, and stopped (through its own switch) once their nodes are over quota.
        let commandStop = step.pods == nil ? stop : StopSwitch()
        let quotaWatch = step.pods.map { wait in Task { [self] in await watchQuota(wait, commandStop: commandStop) } }
        defer { quotaWatch?.cancel() }
        var attempt = 1
        while true {
            log.write("$ " + ShellQuote.join(argv))
            let result = await runner.run(argv: argv, input: input, timeout: timeout, stop: commandStop, log: log, output: sink)
            log.write("# \(Self.describe(result))")
            if result.stopReason == .cancelled {
                if !stop.isStopped, let hint = await quotaWatch?.value {
                    log.write("# over quota, read with $ " + ShellQuote.join(step.pods?.listEvents ?? []) + ": " + hint.summary)
                    let waited = DurationText.format(CommandRunner.seconds(ContinuousClock.now - started))
                    return finish(.failed, hint: Hint(summary: "Stopped waiting after \(waited), as the quota will not grow by itself: "
                                                          + hint.summary, fix: hint.fix), attempts: attempt)
                }
                return finish(.interrupted, result, attempts: attempt)
            }

            if result.succeeded && step.success.substituting(captures).accepts(result.stdout) {
                var captured: [String: String] = [:]
                let value = Self.trimmed(result.stdout)
                if !step.captures.isEmpty && (value.isEmpty || result.stdoutTruncated) {
                    let names = step.captures.joined(separator: ", ")
                    let hint = Hint(summary: "The command printed no usable value for \(names).",
                                    fix: "Run the command by hand to see what it prints; check the project ID.")
                    return finish(.failed, result, hint: hint, attempts: attempt, expected: "a value for \(names)")
                }
                for name in step.captures { captured[name] = value }
                return finish(.done, result, attempts: attempt, captured: captured)
            }
            if step.kind == .create && !result.succeeded && FailureClassifier.isAlreadyExists(stderr: result.stderrTail) {
                log.write("# the resource already exists: counted as done")
                return finish(.alreadyDone, result, attempts: attempt)
            }
            // A failed delete may have raced another one, or have been half done: the probe says whether it is gone.
            if step.kind == .delete && !result.succeeded, let probe = step.probe {
                let check = await probed(probe)
                if check.stopReason == .cancelled { return finish(.interrupted, result, attempts: attempt) }
                if proves(probe, check) {
                    log.write("# the resource is gone: counted as done")
                    return finish(.alreadyDone, result, attempts: attempt)
                }
            }
            let hint = await failureHint(result, step: step, argv: argv, timeout: timeout, log: log)
            // A command that exited 0 failed on its output: the outcome says what the output had to show.
            let expected = result.ending == .exited(0) ? step.success.substituting(captures).expectation : nil
            guard let retry = step.retry, attempt < attempts, Self.neverSettles(result, step: step) == nil,
                  retry.retries(FailureClassifier.transient(stderr: result.stderrTail)) else {
                var podsHint: Hint?
                if let pods = step.pods { podsHint = await podHint(pods, result: result, timeout: timeout, log: log) }
                if let job = step.rayJob { podsHint = await rayJobHint(job, result: result, timeout: timeout, log: log) }
                return finish(.failed, result, hint: podsHint ?? hint, attempts: attempt, expected: expected)
            }
            let delay = retry.delay(before: attempt, jitter: Double.random(in: 0..<1)) * options.retryDelayScale
            let deadline = Self.deadline(retry, scale: options.retryDelayScale)
            let elapsed = CommandRunner.seconds(ContinuousClock.now - started)
            let reason = hint?.summary ?? Self.describe(result)
            if let deadline, elapsed + delay > deadline {
                return finish(.failed, result, hint: Self.waitedInVain(retry, deadline: deadline, elapsed: elapsed, hint: hint, result: result),
                              attempts: attempt, expected: expected)
            }
            if let what = retry.waitingFor {
                await observer.handle(.stepWaiting(index: index, stepID: step.id, wait: StepWait(
                    what: what, deadlineSeconds: deadline, elapsedSeconds: elapsed, retryInSeconds: delay,
                    attempt: attempt, reason: reason)))
            } else {
                await observer.handle(.stepNote(
                    index: index, stepID: step.id,
                    note: "attempt \(attempt)/\(attempts) failed (\(reason)); retrying in \(DurationText.format(delay))"))
            }
            guard await stop.sleep(seconds: delay) else { return finish(.interrupted, result, attempts: attempt) }
            attempt += 1
        }
    }

    /// The seconds a wait may last, scaled like its delays: what it is held to and what is said of it. A scale of 0
    /// (tests that do not wait) leaves only the attempts to bound it.
    static func deadline(_ retry: RetryPolicy, scale: Double) -> Double? {
        scale > 0 ? retry.deadlineSeconds.map { $0 * scale } : nil
    }

    /// The hint of a step whose wait ran out at `deadline` seconds: what it waited for and how long, then what the
    /// last failure says.
    static func waitedInVain(_ retry: RetryPolicy, deadline: Double, elapsed: Double, hint: Hint?, result: CommandResult) -> Hint {
        let what = retry.waitingFor ?? "the failure to go away"
        let limit = " (the limit is \(RetryPolicy.limitText(deadline)))"
        return Hint(
            summary: "Waited \(DurationText.format(elapsed)) for \(what)\(limit), and it still fails: "
                + (hint?.summary ?? describe(result) + "."),
            fix: (hint?.fix ?? "Check the log.") + " If it was only slow, resume: the step waits again.")
    }

    /// Why the pods a wait step waited for are not Ready, read from the cluster (see `PodDiagnosis`); nil when the reads
    /// fail, so the step keeps the hint its own output gives.
    private func podHint(_ wait: PodWait, result: CommandResult, timeout: Double, log: LogWriter) async -> Hint? {
        // A pod list or a busy namespace's events can exceed what a step's output keeps.
        var reader = runner
        reader.stdoutCaptureBytes = max(runner.stdoutCaptureBytes, 8 * 1024 * 1024)
        guard let outputs = await readWhy([wait.listPods, wait.listEvents], question: "why not Ready", reader: reader, result: result, log: log),
              var hint = PodDiagnosis.hint(wait, pods: outputs[0], events: outputs[1]) else { return nil }
        // A GPU zone out of resources: where else in the region the type is, and the answer that moves there.
        if let stockout = PodDiagnosis.stockout(wait, pods: outputs[0], events: outputs[1], answers: plan.answers) {
            hint.fix = stockout.hint(others: await otherZones(stockout, log: log), answers: plan.answers).fix
        }
        return waited(hint, result: result, timeout: timeout, log: log)
    }

    /// Why the RayJob a wait step waited for did not succeed, read from the cluster (see `RayJobDiagnosis`); nil when
    /// the reads fail, so the step keeps the hint its own output gives.
    private func rayJobHint(_ wait: RayJobWait, result: CommandResult, timeout: Double, log: LogWriter) async -> Hint? {
        guard let outputs = await readWhy([wait.readJob, wait.readSubmitterPods], question: "why not succeeded", reader: runner,
                                          result: result, log: log),
              let hint = RayJobDiagnosis.hint(wait, job: outputs[0], pods: outputs[1], answers: plan.answers,
                                              workspace: workspace.url.path) else { return nil }
        return waited(hint, result: result, timeout: timeout, log: log)
    }

    /// Reads `wait`'s pods and their events every `podWatchSeconds` while its command runs: once GKE's autoscaler says
    /// it cannot add a node for one of them for want of quota, stops the command (`commandStop`) and returns why. Nil
    /// when the task is cancelled or the run stops, which stops the command too. It writes no log: the command's
    /// output is being written there.
    private func watchQuota(_ wait: PodWait, commandStop: StopSwitch) async -> Hint? {
        // Reads that end with the task (QuickCommand's): none outlives the step.
        func read(_ argv: [String]) async -> String? {
            let output = await QuickCommand.read(argv, environment: options.environment, timeoutSeconds: options.probeTimeoutSeconds,
                                                 stdoutLimit: 8 * 1024 * 1024)
            return output.exitCode == 0 ? output.stdout : nil
        }
        while await stop.sleep(seconds: options.podWatchSeconds), !Task.isCancelled {
            guard let pods = await read(wait.listPods), let events = await read(wait.listEvents), !Task.isCancelled,
                  let hint = PodDiagnosis.overQuota(wait, pods: pods, events: events) else { continue }
            commandStop.stop()
            return hint
        }
        if stop.isStopped { commandStop.stop() }
        return nil
    }

    /// The stdout of each read-only command in `reads`, each logged by its command line and outcome (the JSON itself goes
    /// to the hint, not the log: a pod list is pages long); nil when the step was stopped or a read fails.
    private func readWhy(_ reads: [[String]], question: String, reader: CommandRunner, result: CommandResult,
                         log: LogWriter) async -> [String]? {
        guard result.stopReason != .cancelled, !stop.isStopped, let discard = try? LogWriter(path: "/dev/null") else { return nil }
        var outputs: [String] = []
        for argv in reads {
            log.write("# \(question): $ " + ShellQuote.join(argv))
            let read = await reader.run(argv: argv, timeout: options.probeTimeoutSeconds, stop: stop, log: discard, output: nil)
            log.write("# \(Self.describe(read))")
            guard read.succeeded, !read.stdoutTruncated else { return nil }
            outputs.append(read.stdout)
        }
        return outputs
    }

    /// A wait's diagnosis, logged, and led by how the wait ended when it ran out of time.
    private func waited(_ hint: Hint, result: CommandResult, timeout: Double, log: LogWriter) -> Hint {
        log.write("# \(hint.summary)")
        let lead = result.stopReason == .timeout ? "Timed out after \(DurationText.format(timeout)): "
            : Self.timedOut(result) ? "Timed out waiting: " : ""
        return Hint(summary: lead + hint.summary, fix: hint.fix)
    }

    /// Whether the command ran out of time: stopped at the step's limit, or its own wait gave up (kubectl's text).
    static func timedOut(_ result: CommandResult) -> Bool {
        result.stopReason == .timeout || result.stderrTail.contains { $0.contains("timed out waiting for the condition") }
    }

    private func failureHint(_ result: CommandResult, step: Step, argv: [String], timeout: Double, log: LogWriter) async -> Hint? {
        if case .launchFailed(let reason) = result.ending {
            return Self.missingToolHint(argv.first ?? "", reason: reason)
        }
        if result.stopReason == .timeout {
            let known = FailureClassifier.hint(stderr: result.stderrTail, argv: argv)
            return Hint(
                summary: "Timed out after \(DurationText.format(timeout))" + (known.map { ": " + $0.summary } ?? "."),
                fix: known?.fix ?? "Check the log; if it was only slow, resume with a longer timeout.")
        }
        if let fix = Self.neverSettles(result, step: step) {
            return Hint(summary: "It printed \(Self.trimmed(result.stdout)), which waiting does not change.", fix: fix)
        }
        if result.ending == .exited(0) {
            return Hint(summary: "The command succeeded but " + Self.mismatch(result.stdout, step.success),
                        fix: "Compare the output in the log with the step's purpose: \(step.why)")
        }
        if let stockout = Stockout(stderr: result.stderrTail, argv: argv) {
            return stockout.hint(others: await otherZones(stockout, log: log), answers: plan.answers,
                                 leftBehind: step.kind == .create ? step.teardown : nil)
        }
        return FailureClassifier.hint(stderr: result.stderrTail, argv: argv)
    }

    /// The region's zones other than the stocked-out one that offer its GPU type, read with gcloud; nil when the read
    /// fails.
    private func otherZones(_ stockout: Stockout, log: LogWriter) async -> [String]? {
        log.write("# where else: $ " + ShellQuote.join(stockout.zonesRead))
        let read = await runner.run(argv: stockout.zonesRead, timeout: options.probeTimeoutSeconds, stop: stop, log: log, output: nil)
        guard read.succeeded else { return nil }
        let zones = read.stdout.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        return Array(Set(zones.filter { !$0.isEmpty && $0 != stockout.zone })).sorted()
    }

    /// What the output was against what the step wanted, when both are short enough to read in a hint.
    static func mismatch(_ stdout: String, _ check: OutputCheck) -> String {
        let read = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = read.isEmpty ? "nothing" : "\"\(read)\""
        guard !read.contains("\n"), read.count <= 60, let expected = check.expectation else {
            return "its output was not what this step expects."
        }
        return "printed \(shown) where this step expects \(expected)."
    }

    static func missingToolHint(_ tool: String, reason: String) -> Hint {
        let name = (tool as NSString).lastPathComponent
        let install: String
        switch (name, ToolInstall.source(name)) {
        case ("gcloud", let page?): install = "Install the Google Cloud CLI (\(page))"
        case ("kubectl", let command?): install = "Install kubectl (`\(command)` or your package manager)"
        case ("helm", let page?): install = "Install Helm (\(page))"
        default: install = "Install \(tool)"
        }
        return Hint(summary: "Could not start \(tool): \(reason).", fix: install + " and make sure it is on PATH, then resume.")
    }

    static func describe(_ result: CommandResult) -> String {
        let time = DurationText.format(result.seconds)
        switch (result.ending, result.stopReason) {
        case (_, .timeout?): return "timed out after \(time)"
        case (_, .cancelled?): return "interrupted after \(time)"
        case (.exited(let code), nil): return "exit \(code) after \(time)"
        case (.signaled(let signal), nil): return "killed by signal \(signal) after \(time)"
        case (.launchFailed(let reason), nil): return "not started: \(reason)"
        }
    }

    /// The bytes a step's command reads on stdin.
    static func make(_ input: StepInput) -> String {
        switch input {
        case .randomToken:
            var generator = SystemRandomNumberGenerator()
            let digits = Array("0123456789abcdef")
            return String((0..<32).flatMap { _ -> [Character] in
                let byte = UInt8.random(in: 0...255, using: &generator)
                return [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]]
            })
        }
    }

    /// What to do instead when the command ran and printed an output its wait never sees change (a cluster in ERROR);
    /// nil when trying again may help.
    static func neverSettles(_ result: CommandResult, step: Step) -> String? {
        result.ending == .exited(0) ? step.retry?.givesUp(on: trimmed(result.stdout)) : nil
    }

    /// `text` without leading and trailing whitespace and newlines, like Foundation's `trimmingCharacters(in:)`
    /// but looking only at the ends: stdout can be a megabyte, and Foundation's version copies it through UTF-16.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let blank = CharacterSet.whitespacesAndNewlines
        guard let first = scalars.firstIndex(where: { !blank.contains($0) }),
              let last = scalars.lastIndex(where: { !blank.contains($0) }) else { return "" }
        return String(scalars[first...last])
    }

}
