import ArgumentParser
import Dispatch
import RunViews
import WizardApp
#if canImport(Glibc)
import Glibc
#endif

/// The process entry point: ArgumentParser parses every command line, then a synchronous command (the guided
/// wizard among them) runs on the main thread and an async one on Swift concurrency.
@main
enum WizardMain {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let word = Wizard.unknownCommand(in: arguments) {
            // ArgumentParser would take the word for the default command's and, before --help, show that help.
            fail(ValidationError(Wizard.unknownCommandMessage(word)))
        }
        let command: any ParsableCommand
        do {
            command = try Wizard.parseAsRoot(arguments)
        } catch {
            fail(error)
        }
        // Sync commands start neither Swift concurrency nor a UI thread: the wizard's first frame must stay under 10 ms.
        guard let asyncCommand = command as? any AsyncParsableCommand else {
            var syncCommand = command
            do {
                try syncCommand.run()
                finish(0)
            } catch {
                fail(error)
            }
        }
        runAsync(asyncCommand)
    }

    /// Like ArgumentParser's `exit(withError:)` (help to stdout, other messages to stderr), but a usage error
    /// exits 2, as every command's invalid answers do, rather than ArgumentParser's 64; a session that printed
    /// why it stopped exits with its status.
    private static func fail(_ error: any Error) -> Never {
        if let status = error as? ExitStatus { finish(status.code) }
        let error = (error as? UsageError).map { ValidationError($0.message) } ?? error
        let code = Wizard.exitCode(for: error)
        let message = Wizard.fullMessage(for: error)
        if !message.isEmpty {
            if code == .success { Console.out(message) } else { Console.error(message) }
        }
        finish(code == .validationFailure ? 2 : code.rawValue)
    }

    /// Ends the process without exit(3)'s teardown: background work a session no longer waits for (the
    /// wizard's tool probes when it is quit at once) may still be inside swift-subprocess, and tearing its
    /// threads down under it aborts the process. Every line is written unbuffered or flushed here.
    private static func finish(_ code: Int32) -> Never {
        fflush(nil)
        _exit(code)
    }

    private static func runAsync(_ command: sending any AsyncParsableCommand) -> Never {
        Task {
            var command = command
            do {
                try await command.run()
                finish(0)
            } catch {
                fail(error)
            }
        }
        dispatchMain()
    }
}

extension ExitCode {
    /// Ends a command with its session's exit status: nothing for 0, else the status.
    static func unlessZero(_ code: Int32) throws {
        if code != 0 { throw ExitCode(code) }
    }
}
