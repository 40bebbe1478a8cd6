/// How a duration reads wherever a person sees one: the run screen, the printed step lines, hints and notes.
public enum DurationText {
    /// `0.4s`, `12s`, `1m 02s`, `1h 05m`: tenths below ten seconds, whole seconds below a minute.
    public static func format(_ seconds: Double) -> String {
        let seconds = max(0, seconds.isFinite ? seconds : 0)
        if seconds < 10 { return "\((seconds * 10).rounded() / 10)s" }
        let total = Int(seconds.rounded(.down))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(pad(total % 60))s" }
        return "\(total / 3600)h \(pad(total / 60 % 60))m"
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
