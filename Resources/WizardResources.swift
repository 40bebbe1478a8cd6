/// Files shipped with the wizard: the in-pod bucket check, an example answers file, field help.
///
/// SwiftPM embeds them in the code (`PackageResources`, see Package.swift), so reading one needs no
/// Foundation Bundle lookup at start-up and no resource folder next to the executable.
public enum WizardResources {
    /// The Python program the verify step runs in the Ray head pod.
    public static var bucketCheckScript: String { String(decoding: PackageResources.bucket_check_py, as: UTF8.self) }
    /// The Python program doctor runs in each Ray pod: its identity, and a test object written, read and deleted.
    public static var doctorProbeScript: String { String(decoding: PackageResources.doctor_probe_py, as: UTF8.self) }
    /// An answers file with every key and its default.
    public static var exampleAnswers: String { String(decoding: PackageResources.example_answers_yaml, as: UTF8.self) }
    /// YAML map of answer key path -> one-line help text.
    public static var fieldHelpYAML: String { String(decoding: PackageResources.field_help_yaml, as: UTF8.self) }

    /// The field help read without a YAML parser, when every line is `key: "text"` (no escapes, no
    /// comments, no other YAML); nil otherwise, and the caller parses `fieldHelpYAML` as YAML.
    ///
    /// The wizard reads the help before its first frame, and Yams' first use costs about half a millisecond
    /// there (issue 4). A test checks that this matches Yams on the shipped file.
    public static var simpleFieldHelp: [String: String]? {
        // Bytes, not Characters: the quotes, backslash, colon and key characters are ASCII, which never occur
        // inside a UTF-8 sequence, and Character-level scanning (Unicode properties) cost ~0.3 ms at start-up.
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), colon = UInt8(ascii: ":"), space = UInt8(ascii: " ")
        var texts: [String: String] = [:]
        for line in PackageResources.field_help_yaml.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard let colonIndex = line.firstIndex(of: colon) else { return nil }
            let key = line[..<colonIndex]
            let rest = line[(colonIndex + 1)...]
            guard !key.isEmpty, key.allSatisfy(isKeyByte), rest.count >= 3,
                  rest[rest.startIndex] == space, rest[rest.startIndex + 1] == quote, rest.last == quote
            else { return nil }
            let text = rest.dropFirst(2).dropLast()
            guard !text.contains(quote), !text.contains(backslash) else { return nil }
            let name = String(decoding: key, as: UTF8.self)
            guard texts[name] == nil else { return nil }
            texts[name] = String(decoding: text, as: UTF8.self)
        }
        return texts
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
    }
}
