import SetupRunner
import WizardModel

/// Hands the runner's events to the UI thread's inbox; a read's output lines go as one action.
struct InboxObserver: RunObserver {
    let inbox: ActionInbox

    func handle(_ event: RunEvent) async {
        inbox.post(.runEvent(event))
    }

    func handle(output lines: OutputLines) async {
        await inbox.postOutput(lines)
    }
}
