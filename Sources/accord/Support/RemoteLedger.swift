import AccordCSV
import AccordLedger
import AccordPresentation
import AccordTrust
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--remote URL` and `--token`, for the ordinary verbs (`report`, `breaches`,
/// `commitment show`, `history`, `export`, `brief`, `log`, `breach`, `audit`):
/// ask a mission's server (`accord serve`) instead of a ledger file.
///
/// Which one a command uses: `--remote` when given (with `--db` as well it
/// is refused: say which); else `ACCORD_REMOTE` only when no ledger is
/// named — no `--db`, no `ACCORD_DB` — and there is no `accord.sqlite` in
/// the current directory, saying so on standard error; else the ledger file.
/// So `ACCORD_REMOTE`, the field commands' default server, never takes a
/// command away from a ledger that is there.
struct RemoteSource: ParsableArguments {
    @Option(help: ArgumentHelp("""
        Ask this server (accord serve) instead of a ledger file: the same output and exit codes (default: \
        $ACCORD_REMOTE, but only when no ledger is named by --db or $ACCORD_DB and there is no accord.sqlite here).
        """, valueName: "url"))
    var remote: String?
    @OptionGroup var credentials: RemoteOptions

    func validate() throws {
        if let remote, let problem = FieldRemote.problem(remote, flag: "--remote") { throw ValidationError(problem) }
    }

    /// The server to ask, or nil for the ledger file (see ``RemoteSource``).
    /// - Throws: ``CommandFailure`` (64) for `--remote` with `--db` or
    ///   `--wait`, a bad `ACCORD_REMOTE`, `--token` without a server, or no token.
    func server(_ global: GlobalOptions) throws -> RemoteLedger? {
        func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: ExitCode32.usage.rawValue) }
        if let remote {
            if global.db != nil {
                throw usage("--remote asks a server and --db names a ledger file: give one of them")
            }
            if global.wait != nil { throw usage("--wait is for a ledger file's lock; a server waits for its own") }
            return RemoteLedger(base: FieldRemote.base(remote), token: try credentials.resolvedToken())
        }
        if let chosen = environment("ACCORD_REMOTE"), global.db == nil, environment("ACCORD_DB") == nil,
           access("accord.sqlite", F_OK) != 0 {
            if let problem = FieldRemote.problem(chosen, flag: "ACCORD_REMOTE") { throw usage(problem) }
            let base = FieldRemote.base(chosen)
            printError("No ledger named (--db, ACCORD_DB) and no accord.sqlite here: asking \(OneLine.escaped(base)) "
                       + "(ACCORD_REMOTE).")
            return RemoteLedger(base: base, token: try credentials.resolvedToken())
        }
        if credentials.token != nil {
            throw usage("--token is for a server: give --remote URL as well (or set ACCORD_REMOTE with no ledger named)")
        }
        return nil
    }
}

/// A mission's server, asked as a ledger file would be: reads rendered by the
/// server exactly as the command renders them (`format=` asks for the
/// command's own output), writes posted to its recording routes.
struct RemoteLedger {
    /// The server's URL, without trailing slashes.
    var base: String
    var token: String

    /// `base` + `path` + the query parameters that have a value, percent-encoded.
    func url(_ path: String, _ query: [(String, String?)] = []) -> String {
        let parts = query.compactMap { name, value in value.map { name + "=" + RemoteLedger.encoded($0) } }
        return base + path + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
    }

    /// A path segment or query value: RFC 3986 unreserved characters as they
    /// are, every other byte of its UTF-8 as %XX.
    static func encoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return out
    }

    func get(_ path: String, _ query: [(String, String?)] = []) throws -> [UInt8] {
        try Remote.request("GET", url(path, query), token: token)
    }

    /// The query parameters that ask for the command's own output: its format, header row and cells.
    static func presentation(_ format: String, header: Bool, raw: Bool) -> [(String, String?)] {
        [("format", format), ("header", header ? nil : "false"), ("raw", raw ? "true" : nil)]
    }

    /// Asks for a read and writes its body to standard output as it came
    /// (after a byte order mark when `bom`, as a local read writes one).
    func show(_ path: String, _ query: [(String, String?)], bom: Bool = false) throws {
        let body = try get(path, query)
        guard !body.isEmpty else { return }
        let output = TextOutput(byteOrderMark: bom)
        output.write(bytes: body)
        output.flush()
    }

    // MARK: Recording

    /// Records one entry through a recording route (`/v1/verifications`,
    /// `/v1/breaches`, `/v1/corroborations`) and returns its receipt. With a
    /// signer, the entry is signed here as a local write signs it: the server
    /// is asked for the claim it would record (`?prepare=true`), which must
    /// be of `kind`; the claim is signed with the key and the same fields are
    /// sent again with the signature, which the server checks against the
    /// claim it builds then.
    func record(_ path: String, _ fields: [(String, JSON)], kind: EntryKind, signer: KeySigner?) throws -> RemoteReceipt {
        var members = fields.filter { $0.1 != .null }
        if let signer {
            let answer = try Remote.request("POST", url(path, [("prepare", "true")]), token: token, body: body(members))
            let prepared = try RemoteLedger.document(answer, what: "the prepared claim")
            // An entry with this --id already recorded: the server answers its receipt, and signs nothing new.
            if prepared["claim"] == nil, prepared["status"] != nil { return try RemoteReceipt(answer, server: base) }
            guard case .string(let text)? = prepared["claim"], let bytes = ByteEncoding.decodeBase64(text) else {
                throw RemoteLedger.notTheAPI(base, "a prepare request answered no claim")
            }
            let claim = try Claim(decoding: bytes)
            guard claim.kind == kind else {
                throw RemoteLedger.notTheAPI(base, "it prepared a \(claim.kind.rawValue) claim for a \(kind.rawValue); nothing was signed")
            }
            members.append(("signature", .string(ByteEncoding.base64(try signer.sign(bytes)))))
        }
        return try RemoteReceipt(Remote.request("POST", url(path), token: token, body: body(members)), server: base)
    }

    private func body(_ members: [(String, JSON)]) -> [UInt8] {
        var bytes: [UInt8] = []
        JSON.object(members).write(to: &bytes, pretty: false)
        return bytes
    }

    static func document(_ bytes: [UInt8], what: String) throws -> JSONDocument {
        do {
            return try JSONDocument.parse(bytes)
        } catch {
            throw CommandFailure(message: "the server's answer is not JSON (\(what)); is it an Accord server (accord serve)?",
                                 exitCode: ExitCode32.unavailable.rawValue)
        }
    }

    static func notTheAPI(_ server: String, _ why: String) -> CommandFailure {
        CommandFailure(message: "\(OneLine.escaped(server)) did not answer as an Accord server: \(why)",
                       exitCode: ExitCode32.unavailable.rawValue)
    }
}

/// A receipt as the server sends it (`{"seq","kind","leafHash","treeSize","root","status"}`,
/// the bytes a local `--format json` prints).
struct RemoteReceipt {
    var bytes: [UInt8]
    var seq: Int64
    var leafHash: String
    var treeSize: Int64
    var root: String
    var recorded: Bool

    init(_ bytes: [UInt8], server: String) throws {
        self.bytes = bytes
        let document = try RemoteLedger.document(bytes, what: "the receipt")
        func text(_ key: String) -> String? { if case .string(let value)? = document[key] { value } else { nil } }
        func number(_ key: String) -> Int64? { if case .number(let value)? = document[key] { Int64(value) } else { nil } }
        guard let seq = number("seq"), let treeSize = number("treeSize"), let leaf = text("leafHash"), let root = text("root"),
              let status = text("status") else {
            throw RemoteLedger.notTheAPI(server, "its receipt lacks seq, leafHash, treeSize, root or status")
        }
        (self.seq, self.treeSize, leafHash, self.root, recorded) = (seq, treeSize, leaf, root, status == Receipt.Status.recorded.rawValue)
    }
}

/// Prints what a remote write did exactly as ``announce(_:_:_:)`` prints a local one.
func announce(_ receipt: RemoteReceipt, _ what: String, _ options: ReceiptOptions) {
    switch options.format {
    case .json:
        let output = TextOutput()
        output.write(bytes: receipt.bytes)
        output.line()
        output.flush()
    case .text:
        printError(ReceiptLine.text(recorded: receipt.recorded, seq: receipt.seq, what: what, leaf: receipt.leafHash,
                                    treeSize: receipt.treeSize, root: receipt.root))
    }
}

/// The line a recording command prints on standard error.
enum ReceiptLine {
    static func text(recorded: Bool, seq: Int64, what: String, leaf: String, treeSize: Int64, root: String) -> String {
        let short = "leaf \(leaf.prefix(16)), tree \(treeSize), root \(root.prefix(16))"
        return recorded ? "Recorded entry \(seq): \(what) (\(short))." : "Already recorded as entry \(seq); nothing written (\(short))."
    }
}
