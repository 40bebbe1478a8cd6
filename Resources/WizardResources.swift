/// Files shipped with the wizard: the scripts sent into the Ray pods, setup.sh's shell library, and an example
/// answers file.
///
/// SwiftPM embeds them in the code (`PackageResources`, see Package.swift), so reading one needs no
/// Foundation Bundle lookup at start-up and no resource folder next to the executable.
public enum WizardResources {
    /// The Python program the verify step runs in the Ray head pod.
    public static var bucketCheckScript: String { String(decoding: PackageResources.bucket_check_py, as: UTF8.self) }
    /// The Python program the mount check runs in the Ray head pod: the bucket's mount both ways on every node.
    public static var mountCheckScript: String { String(decoding: PackageResources.mount_check_py, as: UTF8.self) }
    /// The first lines of setup.sh and the functions its steps call.
    public static var setupScriptLibrary: String { String(decoding: PackageResources.setup_lib_sh, as: UTF8.self) }
    /// The Python program doctor runs in each Ray pod: its identity, and a test object written, read and deleted.
    public static var doctorProbeScript: String { String(decoding: PackageResources.doctor_probe_py, as: UTF8.self) }
    /// An answers file with every key and its default.
    public static var exampleAnswers: String { String(decoding: PackageResources.example_answers_yaml, as: UTF8.self) }
}
