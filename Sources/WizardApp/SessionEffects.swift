import Diagnosis
import Foundation
import Synchronization
import RunModel
import SetupPlan
import SetupRunner
import WizardInbox
import WizardModel
import WizardResources

/// Carries out the model's effects for the runtime loop; what they produce comes back through the inbox.
/// `.quit` is the loop's own.
public protocol EffectPerformer: AnyObject {
    func perform(_ effect: WizardEffect, inbox: ActionInbox)
}

/// The effects on the world: the engine, doctor's reads, detection, the workspace's files and logs. Each runs in
/// the background; the runners are built as the commands build them.
public final class SessionEffects: EffectPerformer {
    private let setup: SessionSetup
    /// The run in progress, for `.cancelRun`.
    private var cancel: (@Sendable () -> Void)?
    /// Preflight's outcome per answers, as Review read it: the run's gate takes it rather than reading again.
    private let preflightOutcomes = PreflightOutcomes()

    public init(_ setup: SessionSetup) { self.setup = setup }

    public func perform(_ effect: WizardEffect, inbox: ActionInbox) {
        switch effect {
        case .detectEnvironment:
            let environment = setup.options.environment
            Task.detached { inbox.post(.environmentDetected(await EnvironmentDetector.detect(environment: environment))) }
        case .writeFiles(let plan):
            do {
                _ = try WorkspaceExport.write(plan, to: setup.folder)
                inbox.post(.filesWritten(error: nil))
            } catch {
                inbox.post(.filesWritten(error: "\(error)"))
            }
        case .startRun(let plan, let mode, let skipping):
            startRun(plan, mode: mode, skipping: skipping, inbox: inbox)
        case .startDestroy(let plan, _, let skipping):
            startDestroy(plan, skipping: skipping, inbox: inbox)
        case .readBucketUsage(let argv):
            Task.detached { inbox.post(.bucketUsageRead(await BucketUsage.read(argv))) }
        case .cancelRun:
            cancel?()
        case .loadLog(let stepID, let path):
            let folder = setup.folder
            DispatchQueue.global().async { inbox.post(.logLoaded(stepID: stepID, result: LogReader.read(path, workspace: folder))) }
        case .startDoctor(let answers):
            let doctor = Doctor(answers: answers, probeScript: WizardResources.bucketProbeScript)
            let environment = setup.options.environment
            Task.detached {
                let checks = await DoctorSession.run(doctor, environment: environment) { inbox.post(.doctorChecked($0)) }
                inbox.post(.doctorFinished(checks))
            }
        case .startPreflight(let answers):
            if setup.skipPreflight {
                inbox.post(.preflightSkipped(answers))
                return
            }
            let environment = setup.options.environment
            let outcomes = preflightOutcomes
            Task.detached {
                let outcome = await PreflightSession.check(answers, environment: environment) { inbox.post(.preflightChecked(answers, $0)) }
                outcomes.map.withLock { $0[answers] = outcome }
                inbox.post(.preflightFinished(answers, outcome.checks, waitsForAPIs: outcome.waitsForAPIs))
            }
        case .quit, .endWizard:
            break
        }
    }

    /// Writes the workspace files the steps read (raycluster.yaml) and starts the engine in the background.
    private func startRun(_ plan: Plan, mode: RunMode, skipping: Set<StepID>, inbox: ActionInbox) {
        do {
            _ = try WorkspaceExport.write(plan, to: setup.folder)
        } catch {
            inbox.post(.runFailedToStart("cannot write the workspace files: \(error)"))
            return
        }
        let runner = SetupRunner(plan: plan, workspace: setup.folder, options: setup.options)
        cancel = runner.cancel
        let gate = Self.gate(plan, setup: setup, earlier: preflightOutcomes.map.withLock { $0[plan.answers] })
        Task.detached {
            do {
                _ = try await runner.run(mode: mode, skipping: skipping, gate: gate, observer: InboxObserver(inbox: inbox))
            } catch {
                inbox.post(.runFailedToStart("\(error)"))
            }
        }
    }

    /// The run's preflight gate, as `apply` has it: none once the workspace's journal shows a create that may have left
    /// something (starting a finished run over probes what exists, whose names preflight would call taken); else
    /// Review's checks decide when every read answered, or it reads again once the APIs are on.
    static func gate(_ plan: Plan, setup: SessionSetup, earlier: PreflightSession.Outcome?) -> RunGate? {
        // An unreadable journal stops the run itself, with the reason.
        guard (try? RunSession.beforeAnythingCreated(plan: plan, workspace: setup.folder)) != false else { return nil }
        return PreflightSession.gate(plan.answers, earlier: earlier, skip: setup.skipPreflight, environment: setup.options.environment, view: nil)
    }

    /// Starts the destroy as `destroy` does: an unfinished destroy of the same run continues.
    private func startDestroy(_ plan: Plan, skipping: Set<StepID>, inbox: ActionInbox) {
        let runner = DestroyRunner(plan: plan, workspace: setup.folder, options: setup.options)
        cancel = runner.cancel
        Task.detached {
            do {
                _ = try await runner.run(skipping: skipping, observer: InboxObserver(inbox: inbox))
            } catch {
                inbox.post(.runFailedToStart("\(error)"))
            }
        }
    }
}

/// Preflight's outcomes by answers, shared with the reads' background task.
private final class PreflightOutcomes: Sendable {
    let map = Mutex<[Answers: PreflightSession.Outcome]>([:])
}
