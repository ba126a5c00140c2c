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
    /// No mission server there, or it cannot do this (`accord push`, `pull`, `clone URL`).
    case unavailable = 69
    /// Busy, or (talking to a server) try again later: no connection, a connection cut, 429, 503.
    case busy = 75
    /// The server refused the token (401) or its role (403).
    case noPermission = 77
}

extension ExitCode32 {
    /// Tampering or an inconsistency (the audit's verdict, or a command that found it).
    static let tampered = ExitCode32.failure
    /// Storage corruption (`accord audit`).
    static let corrupt: Int32 = 2
    /// A signature that cannot be checked (`accord audit`).
    static let unverifiable: Int32 = 3
}

extension LedgerError.Kind {
    /// The exit code for an error of this kind: the one mapping from the
    /// engine's kinds to the codes the README documents (an HTTP front end
    /// maps the same kinds to statuses). Tampering keeps 1, which the README
    /// gives to "any other failure" and to the audit's "tampering found".
    var exitCode: Int32 {
        switch self {
        case .notFound, .conflict, .invalid, .forbidden: ExitCode32.badData.rawValue
        case .notALedger: ExitCode32.noLedger.rawValue
        case .busy: ExitCode32.busy.rawValue
        case .tampered: ExitCode32.tampered.rawValue
        case .corrupt: ExitCode32.corrupt
        case .unverifiable: ExitCode32.unverifiable
        case .io, .failure: ExitCode32.failure.rawValue
        }
    }
}

extension AuditOutcome {
    /// 0 verified, 1 tampered, 2 corrupt, 3 unverifiable.
    var exitCode: Int32 {
        switch self {
        case .verified: ExitCode32.success.rawValue
        case .tampered: ExitCode32.tampered.rawValue
        case .corrupt: ExitCode32.corrupt
        case .unverifiable: ExitCode32.unverifiable
        }
    }
}

/// Prints an error as one `Error: …` line on stderr and exits with its code.
///
/// Help and `--version` keep the parser's own output (exit 0). Usage errors
/// keep the parser's code (64) and message, joined onto one line with a
/// pointer to the command's help, so every failure reads the same way and a
/// value echoed from the input can never spill onto further lines.
func exitReporting(_ error: Error) -> Never {
    if let error = error as? LedgerError {
        var message = error.commandLineMessage
        if case .busy = error.kind { message += "; or wait longer with --wait SECONDS" }
        printError("Error: \(OneLine.escaped(message))")
        exit(error.kind.exitCode)
    }
    if let error = error as? CommandFailure {
        printError("Error: \(OneLine.escaped(error.message))")
        exit(error.exitCode)
    }
    let code = Accord.exitCode(for: error)
    if code == .success { Accord.exit(withError: error) }
    let message = Accord.message(for: error)
    if !message.isEmpty {
        var line = "Error: \(OneLine.escaped(message))"
        if let hint = helpHint(Accord.fullMessage(for: error, columns: 1_000)) { line += " (see '\(hint)')" }
        printError(line)
    }
    exit(code.rawValue)
}

/// `accord log --help` from the parser's "See 'accord log --help' for more information." line.
private func helpHint(_ fullMessage: String) -> String? {
    guard let line = fullMessage.split(separator: "\n").last(where: { $0.contains("See '") }) else { return nil }
    let parts = line.split(separator: "'", omittingEmptySubsequences: false)
    guard parts.count >= 3, parts[0].hasSuffix("See ") else { return nil }
    return String(parts[1])
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
