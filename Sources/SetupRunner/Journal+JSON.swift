/// Hand-written JSON for `Journal`: it is rewritten twice per step, and Foundation's JSONEncoder cost
/// dominated the engine's per-step overhead. Reading still goes through JSONDecoder.
extension Journal {
    /// The journal as pretty JSON with sorted keys (nil values left out), decodable by `JSONDecoder`.
    func jsonText() -> String {
        var out = "{\n"
        out += "  \"captures\" : {"
        let captures = self.captures.sorted { $0.key < $1.key }
        out += captures.isEmpty ? "}" : "\n" + captures.map { "    \(json($0.key)) : \(json($0.value))" }.joined(separator: ",\n") + "\n  }"
        out += ",\n  \"createdAt\" : \(json(createdAt))"
        out += ",\n  \"fingerprint\" : \(json(fingerprint))"
        out += ",\n  \"formatVersion\" : \(formatVersion)"
        out += ",\n  \"normalizedAnswers\" : \(json(normalizedAnswers))"
        if let result { out += ",\n  \"result\" : \(json(result.rawValue))" }
        out += ",\n  \"steps\" : [" + (steps.isEmpty ? "]" : "\n" + steps.map(stepJSON).joined(separator: ",\n") + "\n  ]")
        out += ",\n  \"updatedAt\" : \(json(updatedAt))"
        out += "\n}\n"
        return out
    }

    private func stepJSON(_ step: JournalStep) -> String {
        var fields: [String] = []
        if let attempts = step.attempts { fields.append("\"attempts\" : \(attempts)") }
        if let command = step.command { fields.append("\"command\" : \(json(command))") }
        if let exitCode = step.exitCode { fields.append("\"exitCode\" : \(exitCode)") }
        if let finishedAt = step.finishedAt { fields.append("\"finishedAt\" : \(json(finishedAt))") }
        if let hint = step.hint {
            fields.append("\"hint\" : { \"fix\" : \(json(hint.fix)), \"summary\" : \(json(hint.summary)) }")
        }
        fields.append("\"id\" : \(json(step.id))")
        fields.append("\"logPath\" : \(json(step.logPath))")
        if let seconds = step.seconds { fields.append("\"seconds\" : \(seconds)") }
        if let startedAt = step.startedAt { fields.append("\"startedAt\" : \(json(startedAt))") }
        fields.append("\"status\" : \(json(step.status.rawValue))")
        fields.append("\"title\" : \(json(step.title))")
        return "    {\n      " + fields.joined(separator: ",\n      ") + "\n    }"
    }

    private func json(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
