/// Identifies the answers a journal was written for: SHA-256 of a version line plus the normalized answers.
public enum Fingerprint {
    /// Bump when the plan's steps change meaning, so old journals are not resumed against a new plan shape.
    public static let planVersion = 1

    /// The fingerprint of `normalizedAnswers` (e.g. the normalized answers YAML) under `version`.
    public static func make(normalizedAnswers: String, version: Int = planVersion) -> String {
        SHA256.hex("kuberay-gcs-wizard plan v\(version)\n" + normalizedAnswers)
    }
}
