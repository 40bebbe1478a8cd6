import Foundation
import SetupPlan
import RunModel
import WizardModel

/// Shared starting points for the model tests.
enum Fixtures {
    static let workspace = "kuberay-gcs-setup"
    static let checkScript = "print('check')\n"
    static let t0 = Date(timeIntervalSince1970: 1_000_000)

    /// Answers that validate.
    static var answers: Answers {
        var a = Answers()
        a.project = "my-project"
        a.bucket.name = "my-bucket"
        return a
    }

    static func state(_ answers: Answers = Answers(), journal: JournalSummary? = nil) -> WizardState {
        WizardState(answers: answers, workspace: workspace, checkScript: checkScript, now: t0, journal: journal)
    }

    static func plan(_ answers: Answers = Fixtures.answers) -> Plan {
        PlanBuilder.build(answers, checkScript: checkScript)
    }
}
