import Foundation
import FuzzSupport

// libFuzzer's driver when built with -sanitize=fuzzer (scripts/fuzz); otherwise each file named
// on the command line is run once.
exit(runFuzzer(CommandLine.argc, CommandLine.unsafeArgv, target: fuzzTarget()))
