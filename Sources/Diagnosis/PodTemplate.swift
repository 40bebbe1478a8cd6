import Foundation

/// One pod template of a RayCluster (the head's or a worker group's).
struct PodTemplate {
    var group: String
    /// Its JSON Pointer in the RayCluster, for a patch.
    var path: String
    var spec: JSONValue

    struct Problem {
        var text: String
        /// JSON Patch operations that repair it.
        var operations: [PatchOperation]
    }

    var role: String { group == "head" ? "head" : "worker group \(group)" }

    var describe: String {
        let selector = spec["nodeSelector"].stringMap.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return "\(role): serviceAccountName \(spec["serviceAccountName"].string ?? "(none: default)")"
            + (selector.isEmpty ? ", no nodeSelector" : ", nodeSelector \(selector)")
    }

    /// What keeps its pods off the KSA or off the GKE metadata server (Standard), or on it where Autopilot forbids it.
    func problems(ksa: String, metadataSelector wanted: Bool) -> [Problem] {
        var problems: [Problem] = []
        let account = spec["serviceAccountName"].string
        if account != ksa {
            problems.append(Problem(text: account.map { "serviceAccountName is \($0), not \(ksa)" } ?? "no serviceAccountName (pods run as default)",
                                    operations: [PatchOperation(account == nil ? .add : .replace, path + "/serviceAccountName", ksa)]))
        }
        let selector = spec["nodeSelector"].stringMap
        let key = Vocabulary.metadataSelector
        let selectorPath = path + "/nodeSelector"
        let keyPath = selectorPath + "/" + PatchOperation.pointer(key)
        let nearMisses = selector.keys.filter { $0 != key && Self.nearMiss($0, key) }.sorted()
        var operations = nearMisses.map { PatchOperation(.remove, selectorPath + "/" + PatchOperation.pointer($0)) }
        if wanted {
            if let value = selector[key], value == "true" {
                // Right key, right value.
            } else if let value = selector[key] {
                operations.append(PatchOperation(.replace, keyPath, "true"))
                problems.append(Problem(text: "nodeSelector \(key) is \"\(value)\", not \"true\" (labels match exactly)", operations: operations))
                operations = []
            } else {
                operations.append(selector.isEmpty && spec["nodeSelector"].isNil
                                  ? PatchOperation(.add, selectorPath, map: [key: "true"])
                                  : PatchOperation(.add, keyPath, "true"))
                let text = nearMisses.isEmpty ? "no nodeSelector \(key)=true"
                    : "nodeSelector \(nearMisses.joined(separator: ", ")) is misspelt: it must be \(key)=true"
                problems.append(Problem(text: text, operations: operations))
                operations = []
            }
        } else if selector[key] != nil {
            problems.append(Problem(text: "nodeSelector \(key): Autopilot rejects it (GKE Warden)",
                                    operations: [PatchOperation(.remove, keyPath)]))
        }
        if !operations.isEmpty {
            problems.append(Problem(text: "nodeSelector \(nearMisses.joined(separator: ", ")) looks like a misspelt \(key)", operations: operations))
        }
        return problems
    }

    /// Whether `candidate` looks like a misspelling of `key`: same prefix domain and a small edit distance.
    static func nearMiss(_ candidate: String, _ key: String) -> Bool {
        let a = Array(candidate.lowercased()), b = Array(key)
        if a == b { return true }
        guard !a.isEmpty, !b.isEmpty else { return false }
        guard abs(a.count - b.count) <= 4 else { return false }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count] <= 4
    }
}
