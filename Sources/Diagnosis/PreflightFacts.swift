import Foundation
import SetupPlan

/// What preflight's reads said, with the shared ways to turn a read that failed into a warning.
struct PreflightFacts {
    let preflight: Preflight
    let results: [String: ReadResult]
    var answers: Answers { preflight.answers }

    typealias ReadID = Preflight.ReadID

    /// The parsed stdout of a read that succeeded (a value that reads as nil everywhere when it is not JSON).
    func json(_ id: String) -> JSONValue? {
        guard let result = results[id], result.succeeded else { return nil }
        return JSONValue(parsing: result.stdout)
    }

    /// The command of read `id`, shell-quoted for evidence.
    func command(_ id: String) -> String {
        ShellQuote.join(preflight.allReads.first { $0.id == id }?.argv ?? [id])
    }

    /// A ! for a read that failed or answered something that is not what it should be: the command and why.
    func unreadable(_ id: CheckID, _ title: String, read: String, why: String? = nil, advice: String? = nil) -> Check {
        let result = results[read]
        var evidence = ["could not read: \(command(read))"]
        evidence.append("  " + (why ?? result.map(Self.reason) ?? "no answer"))
        var advice = advice
        if result?.serviceDisabled == true {
            advice = "Its API is not enabled yet: the run enables the APIs first and reads this again before it creates anything."
        }
        return Check(id: id, title: title, status: .warning, evidence: evidence, advice: advice)
    }

    /// Why a read failed: the line naming a disabled API when there is one (a list command warns above other lines),
    /// else the last line of stderr.
    static func reason(_ result: ReadResult) -> String {
        let lines = result.stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " -")) }
        if let line = lines.first(where: { $0.contains("has not been used") || $0.contains("SERVICE_DISABLED") }) { return String(line.prefix(300)) }
        return result.errorLine
    }

    /// The `quotas[]` of a region or project-info read as metric -> (limit, usage); nil when the read failed or the
    /// JSON has no such list.
    func quotas(_ id: String) -> [String: Quota]? {
        guard let value = json(id) else { return nil }
        let list = value["quotas"].array
        guard value["quotas"].raw is [Any] else { return nil }
        var quotas: [String: Quota] = [:]
        for item in list {
            guard let metric = item["metric"].string, let limit = item["limit"].number else { continue }
            quotas[metric] = Quota(limit: limit, usage: item["usage"].number ?? 0)
        }
        return quotas
    }
}

/// A Compute Engine quota: its limit and what is used of it.
struct Quota: Equatable {
    var limit: Double
    var usage: Double
    var available: Double { max(0, limit - usage) }
}

/// A number as quotas print it: `8`, or `0.5`.
func quotaNumber(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
}
