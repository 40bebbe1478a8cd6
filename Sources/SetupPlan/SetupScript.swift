import WizardResources

/// The plan as a bash script: each step commented and guarded by its probe, so running it twice is safe.
public enum SetupScript {
    /// The text of setup.sh.
    public static func render(_ plan: Plan) -> String {
        var out = header
        let total = plan.steps.count
        for (i, step) in plan.steps.enumerated() {
            let label = "[\(i + 1)/\(total)] \(step.title)"
            out += "\n# \(label)\n# Why: \(step.why)\n"
            let run = command(for: step)
            var block: String
            if let probe = step.probe {
                block = "if \(guardCall(probe.expect, probe.argv)); then\n"
                block += "  echo \(ShellQuote.quote("\(label): already done"))\n"
                block += "else\n  echo \(ShellQuote.quote(label))\n  \(run)\nfi\n"
            } else {
                block = "echo \(ShellQuote.quote(label))\n\(run)\n"
            }
            if let condition = step.runsWhen {
                let indented = block.split(separator: "\n").map { "  " + $0 + "\n" }.joined()
                block = "if [ \"${\(condition.placeholder)}\" = \(ShellQuote.quote(condition.equals)) ]; then\n" + indented
                    + "else\n  echo \(ShellQuote.quote("\(label): not needed"))\nfi\n"
            }
            out += block
        }
        out += "\necho 'All steps done.'\n"
        return out
    }

    private static func command(for step: Step) -> String {
        var call = ShellQuote.join(step.argv)
        switch step.input {
        case .randomToken?: call = "random_token | \(call)"
        case nil: break
        }
        if let retry = step.retry {
            call = "retry \(retry.attempts) \(Int(retry.initialDelaySeconds)) \(Int(retry.maxDelaySeconds)) \(call)"
        }
        if let name = step.captures.first {
            return "\(name)=$(\(call))\n  echo \"\(name)=${\(name)}\""
        }
        switch step.success {
        case .exitZero: return call
        case .nonEmpty: return "expect_output '' \(call)"
        case .equals(let value): return "expect_output \(ShellQuote.quote(value)) \(call)"
        case .containsAll(let values): return "expect_words \(values.count) \(values.map(ShellQuote.quote).joined(separator: " ")) \(call)"
        case .hasLine(let fields): return "expect_line \(ShellQuote.quote(fields.joined(separator: " "))) \(call)"
        case .not(let check): return "{ got=$(\(call)) && printf '%s\\n' \"$got\" && ! \(guardCall(check, ["printf", "%s"])) \"$got\"; }"
        }
    }

    private static func guardCall(_ expect: OutputCheck, _ argv: [String]) -> String {
        let call = ShellQuote.join(argv)
        switch expect {
        case .exitZero: return "quietly \(call)"
        case .nonEmpty: return "output_is '' \(call)"
        case .equals(let value): return "output_is \(ShellQuote.quote(value)) \(call)"
        case .containsAll(let values): return "output_has \(values.count) \(values.map(ShellQuote.quote).joined(separator: " ")) \(call)"
        case .hasLine(let fields): return "output_line \(ShellQuote.quote(fields.joined(separator: " "))) \(call)"
        // The command must succeed and its output, judged once more through printf, fail the other check.
        case .not(let check): return "{ got=$(\(call) 2>/dev/null) && ! \(guardCall(check, ["printf", "%s"])) \"$got\"; }"
        }
    }

    /// The script's first lines and the functions its steps call (Resources/setup_lib.sh, checked by shellcheck), then
    /// `random_token`, which the plan's own input defines.
    private static var header: String {
        WizardResources.setupScriptLibrary
            + "# random_token: 32 random bytes as 64 hex digits, for a command that reads a new secret on its stdin.\n"
            + "random_token() { \(StepInput.randomToken.shellCommand); }\n"
    }
}
