import SetupRunner
import WizardModel

/// Hands the runner's events to the UI thread's inbox; a batch of output lines takes the lock once.
struct InboxObserver: RunObserver {
    let inbox: ActionInbox

    func handle(_ event: RunEvent) async {
        inbox.post(.runEvent(event))
    }

    func handle(batch events: [RunEvent]) async {
        inbox.post(contentsOf: events.map { .runEvent($0) })
    }
}
