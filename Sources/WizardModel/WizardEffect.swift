import SetupPlan
import RunModel

/// Work the runtime does for the model; results come back as actions.
public enum WizardEffect: Equatable, Sendable {
    /// Look for gcloud, kubectl, gke-gcloud-auth-plugin, helm, the account and gcloud's defaults; answer with `.environmentDetected`.
    case detectEnvironment
    /// Write answers.yaml, raycluster.yaml and setup.sh to the workspace; answer with `.filesWritten`.
    case writeFiles(Plan)
    /// Write the workspace files, then run `plan` in `mode`, skipping `skipping`; events come back as `.runEvent`.
    case startRun(Plan, mode: RunMode, skipping: Set<StepID>)
    /// Run the destroy `plan` in the workspace's destroy journal (continuing an unfinished destroy of the same run);
    /// events come back as `.runEvent`. After it succeeds the setup journal moves aside.
    case startDestroy(Plan, mode: RunMode, skipping: Set<StepID>)
    /// List the bucket with `argv` (`DestroyPlan.bucketContents`); answer with `.bucketUsageRead`.
    case readBucketUsage([String])
    /// Stop the running step the way `apply` does on Ctrl-C (SIGTERM, then SIGKILL); the run ends `interrupted`.
    case cancelRun
    /// Read the log at `path` (relative to the workspace); answer with `.logLoaded`.
    case loadLog(stepID: StepID, path: String)
    /// Run doctor's read-only checks of `answers`' setup; each check comes back as `.doctorChecked`, then `.doctorFinished`.
    case startDoctor(Answers)
    /// Run preflight's read-only checks of `answers`; each comes back as `.preflightChecked`, then
    /// `.preflightFinished` (or `.preflightSkipped` with `--skip-preflight`).
    case startPreflight(Answers)
    /// Restore the terminal, print `message` if any, and exit with `code`.
    case quit(Int32, message: String?)
    /// Restore the terminal, print `message`, end the wizard and run `then` on its workspace in this terminal.
    case endWizard(then: AfterWizard, message: String)
}
