import Crypto
import Foundation

/// Identifies the answers a journal was written for: SHA-256 of a version line plus the normalized answers.
public enum Fingerprint {
    /// Bump when the plan's steps change meaning, so old journals are not resumed against a new plan shape.
    public static let planVersion = 1

    /// The fingerprint of `normalizedAnswers` (e.g. the normalized answers YAML) under `version`.
    public static func make(normalizedAnswers: String, version: Int = planVersion) -> String {
        sha256("kuberay-gcs-wizard plan v\(version)\n" + normalizedAnswers)
    }

    /// The SHA-256 of the UTF-8 bytes of `text`, as lowercase hex.
    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
