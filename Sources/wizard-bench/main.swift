import Foundation

// wizard-bench SUBCOMMAND: one subcommand per layer, so each engineer adds theirs without touching the others.
//   runner         engine overhead, output throughput and peak memory (SetupRunner)
//   runner-child   runs a steps file through SetupRunner in this process (used by the kill -9 / SIGINT tests)
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "runner":
    await RunnerBench.main(Array(arguments.dropFirst()))
case "runner-child":
    await RunnerChild.main(Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(Data("usage: wizard-bench runner | runner-child ...\n".utf8))
    exit(2)
}
