import Foundation

/// Files shipped with the wizard: the in-pod bucket check, an example answers file, field help.
public enum WizardResources {
    /// The Python program the verify step runs in the Ray head pod.
    public static var bucketCheckScript: String { text("bucket_check.py") }
    /// An answers file with every key and its default.
    public static var exampleAnswers: String { text("example-answers.yaml") }
    /// YAML map of answer key path -> one-line help text.
    public static var fieldHelpYAML: String { text("field-help.yaml") }

    private static func text(_ name: String) -> String {
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        let base = String(name[..<dot])
        let ext = dot < name.endIndex ? String(name[name.index(after: dot)...]) : nil
        guard let url = Bundle.module.url(forResource: base, withExtension: ext),
              let data = try? Data(contentsOf: url),
              let string = String(data: data, encoding: .utf8)
        else { preconditionFailure("resource \(name) missing from the bundle") }
        return string
    }
}
