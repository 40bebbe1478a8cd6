import Yams

/// The YAML of the manifests the workspace holds, encoded one way.
enum ManifestYAML {
    /// `value` as YAML in its own key order; `width` -1 keeps long strings (an entrypoint) on one line.
    static func encode(_ value: some Encodable, width: Int? = nil) -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = false
        if let width { encoder.options.width = width }
        do {
            return try encoder.encode(value)
        } catch {
            // The manifests are plain strings, numbers and maps, which Yams always encodes: a failure is a bug, and a
            // manifest written without its body would be applied as if it were whole.
            preconditionFailure("cannot encode a manifest as YAML: \(error)")
        }
    }
}
