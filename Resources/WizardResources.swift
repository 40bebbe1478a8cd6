/// Files shipped with the wizard: the in-pod bucket check, an example answers file, field help.
///
/// SwiftPM embeds them in the code (`PackageResources`, see Package.swift), so reading one needs no
/// Foundation Bundle lookup at start-up and no resource folder next to the executable.
public enum WizardResources {
    /// The Python program the verify step runs in the Ray head pod.
    public static var bucketCheckScript: String { String(decoding: PackageResources.bucket_check_py, as: UTF8.self) }
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
        var texts: [String: String] = [:]
        for line in fieldHelpYAML.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let key = line[..<colon]
            let rest = line[line.index(after: colon)...]
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }),
                  rest.hasPrefix(" \""), rest.hasSuffix("\""), rest.count >= 3
            else { return nil }
            let text = rest.dropFirst(2).dropLast()
            guard !text.contains("\""), !text.contains("\\"), texts[String(key)] == nil else { return nil }
            texts[String(key)] = String(text)
        }
        return texts
    }
}
