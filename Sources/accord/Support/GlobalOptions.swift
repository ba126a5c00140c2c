import AccordFiles
import AccordLedger
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file (default: $ACCORD_DB, else accord.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("""
        How long to wait for another process that is writing the ledger, in seconds (default: \(Int(LockWait.standard.seconds))); \
        after a second accord says it is waiting. 0 gives up at once.
        """, valueName: "seconds"))
    var wait: String?

    /// The lock wait: --wait, printing once on stderr when the wait passes a second.
    func lockWait() throws -> LockWait {
        var seconds = LockWait.standard.seconds
        if let wait {
            guard let value = Double(wait), value.isFinite, value >= 0, value <= 86_400 else {
                throw CommandFailure(message: "--wait '\(OneLine.escaped(wait, limit: 40))' is not a number of seconds from 0 to 86400",
                                     exitCode: ExitCode32.usage.rawValue)
            }
            seconds = value
        }
        return LockWait(seconds: seconds, onWait: { printError("Waiting for the ledger lock held by another process…") })
    }

    /// The ledger path: --db, else ACCORD_DB, else accord.sqlite.
    var path: String {
        db ?? environment("ACCORD_DB") ?? "accord.sqlite"
    }

    /// The ledger as the user named it: `--db` as typed, else the file name
    /// only (from ACCORD_DB or the default), so that output never shows a
    /// path the user did not type; and whether it was typed.
    var displayName: (name: String, typed: Bool) {
        if let db { return (db, true) }
        let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        return (name, false)
    }

    /// Opens the ledger for writing.
    func openLedger() throws -> Ledger { try Ledger.open(at: path, lockWait: try lockWait(), settings: settings) }

    /// Opens the ledger without ever writing to it.
    /// One command's read: creates no -wal or -shm beside a quiet ledger.
    func openLedgerReadOnly() throws -> Ledger { try Ledger.openSnapshot(at: path, lockWait: try lockWait(), settings: settings) }

    /// The clock entries are recorded by: `ACCORD_NOW` when set (for
    /// reproducible examples and tests; each entry says its time was set so,
    /// and the engine refuses a time ahead of the system clock), else the
    /// system clock. Only the command line reads the environment.
    static let clock: LedgerClock = {
        guard let fixed = environment("ACCORD_NOW"), !fixed.isEmpty else { return .system }
        return LedgerClock {
            guard let moment = try? Moment(parsing: fixed, field: .recordedAt) else {
                throw LedgerError(.invalid(.recordedAt), "ACCORD_NOW=\(fixed) is not a date or ISO 8601 time")
            }
            return LedgerClock.Reading(time: moment.timestamp, source: "ACCORD_NOW", system: Timestamp.system())
        }
    }()

    /// How the command line's ledgers are set up: its clock.
    var settings: LedgerSettings { LedgerSettings(clock: Self.clock) }

    /// Refuses an output file that is the ledger (or its -wal, -shm or
    /// -journal file, by name or by identity), one of `inputs`, a symbolic
    /// link, or anything but a regular file (a device, a FIFO, a directory):
    /// writing it would destroy what is being read or replace something that
    /// is not Accord's. Every file a command writes is checked here first.
    /// `-` (standard output) passes.
    /// - Throws: ``CommandFailure`` with exit 64, naming the flag, the path and why.
    func refuseOverwriting(_ output: String?, flag: String, inputs: [String] = []) throws {
        guard let output, output != "-" else { return }
        if let why = AtomicFile.refusal(toWrite: output, ledger: path, inputs: inputs) {
            throw CommandFailure(message: "\(flag) \(output) \(why)", exitCode: ExitCode32.usage.rawValue)
        }
    }

    /// Options that may be given before the subcommand (`accord --db x report`):
    /// they are moved after it so the subcommand parses them.
    static let hoisted: Set<String> = ["--db", "--wait"]

    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var moved: [String] = []
        var rest: [String] = []
        var index = 0
        var beforeSubcommand = true
        while index < arguments.count {
            let argument = arguments[index]
            if beforeSubcommand, argument.hasPrefix("--") {
                let name = String(argument.split(separator: "=", maxSplits: 1)[0])
                if hoisted.contains(name) {
                    moved.append(argument)
                    if !argument.contains("="), index + 1 < arguments.count {
                        moved.append(arguments[index + 1])
                        index += 1
                    }
                    index += 1
                    continue
                }
            }
            if !argument.hasPrefix("-") { beforeSubcommand = false }
            rest.append(argument)
            index += 1
        }
        guard !moved.isEmpty else { return arguments }
        if let terminator = rest.firstIndex(of: "--") {
            rest.insert(contentsOf: moved, at: terminator)
            return rest
        }
        return rest + moved
    }
}

/// An environment variable's value; nil when it is unset or empty.
func environment(_ name: String) -> String? {
    guard let value = getenv(name).map({ String(cString: $0) }), !value.isEmpty else { return nil }
    return value
}
