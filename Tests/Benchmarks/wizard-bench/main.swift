import Foundation

// wizard-bench SUBCOMMAND: one subcommand per layer, so each engineer adds theirs without touching the others.
//   runner         engine overhead, output throughput and peak memory (SetupRunner)
//   runner-step    one `cat FILE` step through SetupRunner, alone in its process (used by `runner` for time and memory)
//   runner-lines   writes the line file `runner` measures with (in its own process)
//   tui            the wizard's start-up (against whiptail), keystroke and streaming latencies
//   graph          apply's wall time on the emulator's realistic profile against the plan graph's critical path
//   preflight      what preflight adds to apply --yes on the emulator's instant profile
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "runner":
    await RunnerBench.main(Array(arguments.dropFirst()))
case "runner-step":
    await RunnerStep.main(Array(arguments.dropFirst()))
case "runner-lines":
    RunnerLines.main(Array(arguments.dropFirst()))
case "tui":
    await TUIBench.main(Array(arguments.dropFirst()))
case "graph":
    await GraphBench.main(Array(arguments.dropFirst()))
case "preflight":
    await PreflightBench.main(Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(Data("usage: wizard-bench runner | runner-step | runner-lines | tui | graph | preflight ...\n".utf8))
    exit(2)
}
