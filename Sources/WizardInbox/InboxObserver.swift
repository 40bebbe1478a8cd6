import RunModel
import WizardModel

/// Hands the runner's events to the UI thread's inbox; a read's output lines go as one action.
public struct InboxObserver: RunObserver {
    let inbox: ActionInbox

    public init(inbox: ActionInbox) {
        self.inbox = inbox
    }

    public func handle(_ event: RunEvent) async {
        inbox.post(.runEvent(event))
    }

    public func handle(output lines: OutputLines) async {
        await inbox.postOutput(lines)
    }
}
