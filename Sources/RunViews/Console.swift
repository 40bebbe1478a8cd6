import Foundation

/// Writes lines to stdout/stderr unbuffered, so they interleave as written.
public enum Console {
    /// `text` and a newline on standard output.
    public static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// `text` and a newline on standard error.
    public static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
