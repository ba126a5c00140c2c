import AccordLedger
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exit codes of `accord`, in one place (sysexits.h values).
enum ExitCode32: Int32 {
    case success = 0
    case failure = 1
    case usage = 64
    case badData = 65
    case noLedger = 66
    case busy = 75
}

extension LedgerError.Code {
    var exitCode: Int32 {
        switch self {
        case .badInput: return ExitCode32.badData.rawValue
        case .notALedger: return ExitCode32.noLedger.rawValue
        case .busy: return ExitCode32.busy.rawValue
        case .tampered: return 1
        case .corrupt: return 2
        case .unverifiable: return 3
        case .failure: return ExitCode32.failure.rawValue
        }
    }
}

/// Prints an error as `Error: …` on stderr and exits with its code.
/// Argument-parser errors (usage, help, --version) keep the parser's own
/// output and codes (64 for usage).
func exitReporting(_ error: Error) -> Never {
    if let error = error as? LedgerError {
        printError("Error: \(error.message)")
        exit(error.code.exitCode)
    }
    if let error = error as? CommandFailure {
        printError("Error: \(error.message)")
        exit(error.exitCode)
    }
    Accord.exit(withError: error)
}

/// A failure the command itself reports, with its exit code.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32
}

/// Writes a line to stderr.
func printError(_ line: String) {
    var text = line
    if !text.hasSuffix("\n") { text += "\n" }
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return write(2, base + offset, buffer.count - offset)
        }
        if written <= 0 { break }
        offset += written
    }
}
