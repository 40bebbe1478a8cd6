/// POSIX shell quoting for display and for setup.sh. Commands themselves run from argv, never a shell.
public enum ShellQuote {
    /// `arg` as one shell word: unchanged when it is safe, else single-quoted.
    public static func quote(_ arg: String) -> String {
        if !arg.isEmpty, arg.unicodeScalars.allSatisfy({ safe.contains($0) }) { return arg }
        return "'" + arg.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// The argv as one copy-pasteable command line; `${NAME}` placeholders stay expandable by the shell.
    public static func join(_ argv: [String]) -> String {
        argv.map(quoteKeepingPlaceholders).joined(separator: " ")
    }

    /// Like `quote`, but `${NAME}` placeholders are left outside the quotes so a shell expands them.
    public static func quoteKeepingPlaceholders(_ arg: String) -> String {
        guard arg.contains("${") else { return quote(arg) }
        var out = ""
        var rest = Substring(arg)
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            let literal = String(rest[..<start.lowerBound])
            if !literal.isEmpty { out += quote(literal) }
            out += "\"" + rest[start.lowerBound...end] + "\""
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { out += quote(String(rest)) }
        return out
    }

    private static let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@%+".unicodeScalars)
}
