/// A line diff of two normalized answers texts, to say what changed since a journal was written.
public enum AnswersDiff {
    /// `- old line` / `+ new line` for each changed line, in order; empty when the texts are equal.
    public static func lines(old: String, new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Longest common subsequence table; answers files are a few dozen lines.
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count && j < b.count && a[i] == b[j] {
                i += 1; j += 1
            } else if i < a.count && (j == b.count || lcs[i + 1][j] >= lcs[i][j + 1]) {
                // Removed lines first, then what replaced them: reads like `diff -u`.
                out.append("- " + a[i]); i += 1
            } else {
                out.append("+ " + b[j]); j += 1
            }
        }
        return out.filter { $0 != "+ " && $0 != "- " }
    }

    /// The diff as one indented block.
    public static func text(old: String, new: String) -> String {
        lines(old: old, new: new).map { "  " + $0 }.joined(separator: "\n")
    }
}
