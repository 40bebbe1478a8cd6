/// Files shipped with the wizard: the scripts sent into the Ray pods, setup.sh's shell library, and an example
/// answers file.
///
/// SwiftPM embeds them in the code (`PackageResources`, see Package.swift), so reading one needs no
/// Foundation Bundle lookup at start-up and no resource folder next to the executable.
public enum WizardResources {
    /// The standard-library Python probe of the bucket: on every Ray node for the verify and mount checks, in one
    /// pod for doctor.
    public static var bucketProbeScript: String { String(decoding: PackageResources.bucket_probe_py, as: UTF8.self) }
    /// The first lines of setup.sh and the functions its steps call.
    public static var setupScriptLibrary: String { String(decoding: PackageResources.setup_lib_sh, as: UTF8.self) }
    /// An answers file with every key and its default.
    public static var exampleAnswers: String { String(decoding: PackageResources.example_answers_yaml, as: UTF8.self) }
}
