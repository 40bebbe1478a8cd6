import Diagnosis
import SetupPlan

extension WizardState {
    /// doctor's reads are going on (the runtime keeps the clock ticking for the spinner).
    public var isDoctorActive: Bool { screen == .doctor && doctor?.finished == false }

    /// Welcome's "check an existing setup": doctor needs the setup's answers (a workspace's answers.yaml, or
    /// the wizard's pages filled in); without valid ones the pages ask them, and their last page starts the check.
    mutating func startDoctor() -> [WizardEffect] {
        guard Validator.validate(answers).isEmpty else {
            enterPage(0)
            checksAfterPages = true
            return []
        }
        message = nil
        screen = .doctor
        doctor = DoctorProgress(pane: Layout.doctorPane(size))
        return [.startDoctor(answers)]
    }

    mutating func applyDoctorCheck(_ check: Check) {
        doctor?.append(check)
    }

    mutating func finishDoctor(_ checks: [Check]) {
        doctor?.finish(checks)
    }

    mutating func handleDoctorKey(_ command: Command?) -> [WizardEffect] {
        if var doctor, doctor.scroll(command, rows: Layout.doctorPane(size).rows) {
            self.doctor = doctor
            return []
        }
        switch command {
        case .back?:
            // While it checks, the reads go on in the background; Esc waits for the end so results are not lost.
            if doctor?.finished ?? true { screen = .welcome }
        case .quit?: overlay = .confirmQuit
        default: break
        }
        return []
    }
}
