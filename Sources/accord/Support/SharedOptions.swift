import AccordLedger
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension OutputFormat: ExpressibleByArgument {}
extension ReportSection: ExpressibleByArgument {}
extension RecordStatusFilter: ExpressibleByArgument {}

/// `--format` and `--no-header`, for every command that prints rows.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json, ndjson, csv, tsv or markdown.")
    var format: OutputFormat = .table

    @Flag(name: .customLong("no-header"), help: "Leave out the header row (csv, tsv, table).")
    var noHeader = false

    var header: Bool { !noHeader }
}

/// Who records an entry.
/// Who records: `--actor`, for every command that writes entries.
struct ActorOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Who is recording (default: $ACCORD_ACTOR, else your user name).", valueName: "name"))
    var actor: String?

    /// An unsigned recorder: for commands that create a ledger, which has no registered key yet.
    func recorder() throws -> Recorder {
        Recorder(actor: try resolvedActor(), signer: nil)
    }

    func resolvedActor() throws -> String {
        if let actor { return try Ledger.validateActor(actor) }
        if let env = getenv("ACCORD_ACTOR").map({ String(cString: $0) }), !env.isEmpty {
            return try Ledger.validateActor(env)
        }
        if let user = getenv("USER").map({ String(cString: $0) }), !user.isEmpty { return try Ledger.validateActor(user) }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name {
            return try Ledger.validateActor(String(cString: name))
        }
        return "unknown"
    }
}

/// `--actor` and `--sign-with`, for commands that add entries to an existing ledger.
struct RecorderOptions: ParsableArguments {
    @OptionGroup var who: ActorOptions

    @Option(name: .customLong("sign-with"), help: ArgumentHelp("Sign the entry with this private key file (a registered key).", valueName: "file"))
    var signWith: String?

    func recorder() throws -> Recorder {
        Recorder(actor: try who.resolvedActor(), signer: try signWith.map { try KeySigner(path: $0) })
    }
}

/// Prints what a write did, on stderr.
func announce(_ recorded: Recorded, _ what: String) {
    switch recorded {
    case .added(let seq, _):
        printError("Recorded entry \(seq): \(what).")
    case .alreadyPresent(let seq):
        printError("Already recorded as entry \(seq); nothing written.")
    }
}
