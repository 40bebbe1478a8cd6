import ArgumentParser
import Dispatch
import SetupRunner
#if canImport(Glibc)
import Glibc
#endif

/// The process entry point. The plain guided wizard (`kuberay-gcs-wizard`, or with `--workspace PATH`)
/// runs on the main thread, without ArgumentParser and without starting Swift concurrency, to reach its
/// first frame sooner (issue 4): parsing reflects over the options and looks up protocol conformances across
/// the whole statically linked binary (about 2 ms), and an async `main` that hands the terminal to a thread of
/// its own cost another half millisecond. Any other arguments, including help and every error, take
/// ArgumentParser's async path through the whole command tree.
@main
enum WizardMain {
    static func main() {
        if let workspace = Wizard.plainWizardWorkspace(Array(CommandLine.arguments.dropFirst())) {
            do {
                try InteractiveCommand.start(workspace: workspace, options: RunOptions(),
                                             display: WizardDisplay.resolve(plainFlag: false, noColorFlag: false))
                exit(0)
            } catch {
                Wizard.exit(withError: error)
            }
        }
        Task {
            await Wizard.main(nil)
            exit(0)
        }
        dispatchMain()
    }
}
