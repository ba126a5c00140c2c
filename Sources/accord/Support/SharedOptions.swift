import AccordFiles
import AccordLedger
import AccordPresentation
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension OutputFormat: ExpressibleByArgument {}
extension ReportSection: ExpressibleByArgument {}
extension RecordStatusFilter: ExpressibleByArgument {}

/// The values of a vocabulary for help text, from the same cases the parser
/// accepts: "table (default), json, ndjson, csv, tsv or markdown".
func choices<T: CaseIterable & RawRepresentable>(_ type: T.Type, default chosen: T? = nil) -> String where T.RawValue == String {
    let words = T.allCases.map { $0.rawValue + ($0.rawValue == chosen?.rawValue ? " (default)" : "") }
    guard words.count > 1 else { return words.joined() }
    return words.dropLast().joined(separator: ", ") + " or " + (words.last ?? "")
}

/// `--format` and `--no-header`, for every command that prints rows.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: \(choices(OutputFormat.self, default: .table)).")
    var format: OutputFormat = .table

    @OptionGroup var headerOption: HeaderOption

    @OptionGroup var cells: CellOptions

    var header: Bool { !headerOption.noHeader }
    var raw: Bool { cells.raw }

    func validate() throws {
        try cells.check(csvOrTSV: format == .csv || format == .tsv)
    }

    /// Standard output, starting with a byte order mark when --bom asks for one.
    func stdout() -> TextOutput { TextOutput(byteOrderMark: cells.bom) }
}

/// `--raw` and `--bom`, for every command that can print CSV or TSV.
struct CellOptions: ParsableArguments {
    @Flag(help: """
        csv and tsv: print every cell exactly as recorded. By default a text cell that starts with = + - @, a tab or \
        a carriage return (and is not a plain number) gets a leading ' so that a spreadsheet shows it rather than \
        running it as a formula; accord import takes that ' off again.
        """)
    var raw = false

    @Flag(help: """
        csv and tsv: start with a UTF-8 byte order mark, so that Excel reads non-Latin text (Cyrillic, Arabic) \
        correctly when the file is opened by double-clicking it.
        """)
    var bom = false

    /// Refuses --bom for a format that is not CSV or TSV.
    func check(csvOrTSV: Bool) throws {
        if bom && !csvOrTSV { throw ValidationError("--bom applies to csv and tsv output") }
    }
}

/// Who records an entry.
/// Who records: `--actor`, for every command that writes entries.
struct ActorOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Who is recording (default: $ACCORD_ACTOR, else your user name; with --sign-with, the key's name).", valueName: "name"))
    var actor: String?

    /// An unsigned recorder: for commands that create a ledger, which has no registered key yet.
    func recorder() throws -> Recorder {
        Recorder(actor: try resolvedActor(), signer: nil)
    }

    func resolvedActor() throws -> String {
        if let actor { return try Ledger.validateActor(actor) }
        let (name, origin): (String, String)
        if let env = environment("ACCORD_ACTOR") {
            (name, origin) = (env, "ACCORD_ACTOR")
        } else if let user = environment("USER") {
            (name, origin) = (user, "$USER")
        } else if let entry = getpwuid(getuid()), let login = entry.pointee.pw_name {
            (name, origin) = (String(cString: login), "your login name")
        } else {
            return "unknown"
        }
        do {
            return try Ledger.validateActor(name)
        } catch let error as LedgerError {
            // The user never typed this value: say where it came from and how to override it.
            throw LedgerError(error.kind, "\(error) (the actor comes from \(origin); pass --actor NAME or set ACCORD_ACTOR)")
        }
    }
}

/// `--actor` and `--sign-with`, for commands that add entries to an existing ledger.
struct RecorderOptions: ParsableArguments {
    @OptionGroup var who: ActorOptions

    @Option(name: .customLong("sign-with"), help: ArgumentHelp(
        "Sign the entry with this private key file (a registered key); the actor is then the key's name unless --actor is given.",
        valueName: "file"))
    var signWith: String?

    /// A signed entry records as its key's name unless `--actor` says otherwise:
    /// never `ACCORD_ACTOR` or the login name, which say nothing of the key.
    func recorder() throws -> Recorder {
        guard let signWith else { return Recorder(actor: try who.resolvedActor(), signer: nil) }
        let signer = try KeySigner(path: signWith)
        let actor = try who.actor.map { try Ledger.validateActor($0) } ?? signer.keyName
        return Recorder(actor: actor, signer: signer)
    }
}

extension RecorderOptions {
    /// The signer of an entry a server records: the --sign-with key, or none.
    /// The server records the token's name as the actor, so --actor is refused.
    /// - Throws: ``CommandFailure`` (64) for --actor; ``LedgerError`` when the key file cannot be read.
    func remoteSigner() throws -> KeySigner? {
        if who.actor != nil {
            throw CommandFailure(message: "--actor is for a ledger file: a server records the token's name as the actor",
                                 exitCode: ExitCode32.usage.rawValue)
        }
        return try signWith.map { try KeySigner(path: $0) }
    }
}

/// How a recording command reports its receipt.
enum ReceiptFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `--format` for commands that record one entry.
struct ReceiptOptions: ParsableArguments {
    @Option(name: .long, help: "\(choices(ReceiptFormat.self, default: .text)): a line on standard error, or the receipt as JSON on standard output.")
    var format: ReceiptFormat = .text
}

/// Prints what a write did: a line on stderr, or the receipt as JSON on stdout.
func announce(_ receipt: Receipt, _ what: String, _ options: ReceiptOptions) {
    switch options.format {
    case .json:
        let output = TextOutput()
        output.line(receipt.json, pretty: false)
        output.flush()
    case .text:
        printError(ReceiptLine.text(recorded: receipt.recorded, seq: receipt.seq, what: what, leaf: receipt.leafHash.hex,
                                    treeSize: receipt.treeSize, root: receipt.root.hex))
    }
}
