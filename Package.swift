// swift-tools-version: 6.0
import PackageDescription

// On Linux the wizard links the Swift runtime and Foundation statically (no shared libraries to load at start-up), naming
// the link dependencies of Foundation's archives that `-static-stdlib` leaves out; lld, as gold warns about its `mktemp`.
let staticSwiftRuntime: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-use-ld=lld"], .when(platforms: [.linux])),
    .linkedLibrary("CoreFoundation", .when(platforms: [.linux])),
    .linkedLibrary("_FoundationCShims", .when(platforms: [.linux])),
    .linkedLibrary("_FoundationCollections", .when(platforms: [.linux])),
    .linkedLibrary("swiftSynchronization", .when(platforms: [.linux])),
    .linkedLibrary("_FoundationICU", .when(platforms: [.linux])),
]

let package = Package(
    name: "kuberay-gcs-wizard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kuberay-gcs-wizard", targets: ["kuberay-gcs-wizard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // Pure: the scripts it puts in steps and setup.sh are compiled into WizardResources, not read from disk.
        .target(name: "SetupPlan", dependencies: ["Yams", "WizardResources"]),
        // doctor's pure half: which read-only commands to run, and what their outputs say about each link.
        .target(name: "Diagnosis", dependencies: ["SetupPlan"]),
        .target(
            name: "WizardResources",
            path: "Resources",
            exclude: ["README.md"],
            // Compiled into the binary rather than copied beside it: no Bundle lookup at start-up, and the
            // (statically linked) executable keeps working when copied elsewhere on its own.
            resources: [.embedInCode("bucket_probe.py"), .embedInCode("setup_lib.sh"), .embedInCode("example-answers.yaml")]
        ),
        // The run's data (events, step status and outcome, the journal, output lines): what the view-model, the
        // renderer and the views need of a run, without the engine's process code.
        .target(name: "RunModel", dependencies: ["SetupPlan"]),
        .target(name: "SetupRunner", dependencies: [
            "SetupPlan", "RunModel",
            .product(name: "Subprocess", package: "swift-subprocess"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // Every byte a command prints about a run, doctor or status: each run view is a RunObserver that owns its output.
        .target(name: "RunViews", dependencies: ["SetupPlan", "RunModel", "Diagnosis"]),
        .target(name: "Cells"),
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncurses-dev"])]),
        .target(name: "Terminal", dependencies: ["Cells", "CNcurses"]),
        .target(name: "WizardModel", dependencies: ["SetupPlan", "RunModel", "Diagnosis", "Cells"]),
        .target(name: "WizardView", dependencies: ["WizardModel", "SetupPlan", "RunModel", "Diagnosis", "Cells"]),
        // The queue from background work (the engine, detection) to the UI loop, with flow control for output.
        .target(name: "WizardInbox", dependencies: ["WizardModel", "RunModel"]),
        // The sessions: the runtime loop, plain mode, the run, destroy and doctor sessions, detection, export: what the
        // executable calls, where the tests and the bench reach it.
        .target(name: "WizardApp", dependencies: [
            "SetupPlan", "Diagnosis", "RunModel", "SetupRunner", "RunViews", "WizardModel", "WizardView", "WizardInbox", "Terminal",
            "Cells", "WizardResources",
        ]),
        // The executable: argument parsing, calling the sessions, exit codes.
        .executableTarget(
            name: "kuberay-gcs-wizard",
            dependencies: ["WizardApp", "SetupPlan", "RunViews", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            linkerSettings: staticSwiftRuntime
        ),
        // The start-up floor the bench times beside the wizard: its terminal layer alone, linked the same way.
        .executableTarget(name: "frame-reference", dependencies: ["Terminal", "Cells"], path: "Tests/Benchmarks/frame-reference",
                          linkerSettings: [.unsafeFlags(["-static-stdlib", "-use-ld=lld"], .when(platforms: [.linux]))]),
        .executableTarget(name: "wizard-bench", dependencies: ["SetupPlan", "RunModel", "SetupRunner", "WizardApp", "WizardInbox", "WizardModel", "WizardView", "Cells", "Terminal", "WizardResources", "TestKit"],
                          path: "Tests/Benchmarks/wizard-bench"),
        // The engine in a process of its own, for the tests that kill it or send it signals.
        .executableTarget(name: "runner-child", dependencies: ["SetupPlan", "RunModel", "SetupRunner", "RunViews"], path: "Tests/RunnerChild"),
        // Helpers the process-level tests and the bench share (running a program with a timeout, starting tmux).
        .target(name: "TestKit", path: "Tests/TestKit"),
        .testTarget(name: "SetupPlanTests", dependencies: ["SetupPlan", "WizardResources", "Yams", "TestKit"], exclude: ["Fixtures", "Snapshots"]),
        .testTarget(name: "DiagnosisTests", dependencies: ["Diagnosis", "SetupPlan", "RunViews", "RunModel", "SetupRunner", "WizardApp"]),
        .testTarget(name: "SetupRunnerTests", dependencies: ["SetupRunner", "RunModel", "SetupPlan"]),
        .testTarget(name: "RunViewsTests", dependencies: ["RunViews", "RunModel", "SetupPlan"]),
        .testTarget(name: "WizardModelTests", dependencies: ["WizardModel", "SetupPlan", "RunModel", "Diagnosis", "Cells"]),
        .testTarget(name: "WizardViewTests", dependencies: ["WizardView", "WizardModel", "Cells", "SetupPlan", "RunModel", "Diagnosis", "WizardResources"], exclude: ["Golden"]),
        .testTarget(name: "EndToEndTests", dependencies: ["SetupPlan", "Diagnosis", "TestKit"], exclude: ["Support"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "Cells", "TestKit"]),
        .testTarget(name: "WizardAppTests", dependencies: [
            "WizardApp", "SetupPlan", "Diagnosis", "RunModel", "SetupRunner", "WizardModel", "WizardInbox", "Terminal", "Cells", "WizardResources",
        ]),
        .testTarget(name: "WizardInboxTests", dependencies: ["WizardInbox", "WizardModel", "RunModel"]),
    ],
    swiftLanguageModes: [.v6]
)
