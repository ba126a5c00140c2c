import AccordLedger
import AccordPresentation
import ArgumentParser

/// `accord token issue|revoke|list`: the tokens `accord serve` accepts.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue, revoke and list the tokens of `accord serve` (admin, monitor, reviewer, auditor, viewer).",
        subcommands: [Issue.self, Revoke.self, List.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "issue",
            abstract: "Issue a token and print it once on standard output; the ledger records only its SHA-256.",
            discussion: "A request's actor is its token's name. Roles: admin (definitions, amendments, keys, tokens), monitor "
                + "(evidence), reviewer (corrections, retractions, disputes, adjudications), auditor (every read, exports, "
                + "the journal, proofs; writes nothing), viewer (reports, breaches, the brief).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: RecorderOptions
        @Option(help: "admin, monitor, reviewer, auditor or viewer.") var role: String
        @Option(help: "The token's name: the actor of every entry recorded with it (never reused).") var name: String
        @Option(help: ArgumentHelp("Refused from this date on (YYYY-MM-DD, 00:00 UTC).", valueName: "date")) var expires: String?
        @Option(help: ArgumentHelp("A registered key the token's entries must be signed with.", valueName: "key-name"))
        var key: String?

        func run() throws {
            let ledger = try global.openLedger()
            let issued = try ledger.issueToken(TokenInput(name: name, role: role, expires: expires, key: key),
                                               as: recorder.recorder())
            let receipt = issued.receipt
            printError("Recorded entry \(receipt.seq): token \(issued.name) (\(issued.role.rawValue)) issued "
                       + "(leaf \(receipt.leafHash.hex.prefix(16)), tree \(receipt.treeSize), root \(receipt.root.hex.prefix(16))). "
                       + "It is shown only now: keep it secret.")
            print(issued.secret)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke",
            abstract: "Revoke a token: the server refuses it from this entry on.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: RecorderOptions
        @OptionGroup var receiptOptions: ReceiptOptions
        @Argument(help: "The token's name.") var name: String
        @Option(help: "Why.") var reason: String?

        func run() throws {
            let ledger = try global.openLedger()
            announce(try ledger.revokeToken(name: name, reason: reason, as: recorder.recorder()), "token \(name) revoked",
                     receiptOptions)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list",
            abstract: "Every token issued: name, role, expiry, key, the entries that issued and revoked it.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let tokens = try global.openLedgerReadOnly().tokens()
            RowSet(columns: ["name", "role", "expires", "key", "issued", "revoked"], rows: tokens.map { token in
                [.text(token.name), .text(token.role.rawValue), Cell(token.expires), Cell(token.key), .int(token.issuedSeq),
                 Cell(token.revokedSeq)]
            }).render(output.format, header: output.header, raw: output.raw, to: TextOutput())
        }
    }
}

/// `accord access-log`: who read what through the server.
struct AccessLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access-log",
        abstract: "Who exported, read the journal or made a brief through `accord serve`: when, which token, how many rows.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only the newest N records.") var limit: Int?

    func run() throws {
        let records = try global.openLedgerReadOnly().accessLog(limit: limit)
        // Everything accord prints is what the audit can prove, or says it is not.
        printError("Note: the access log is not verified: it is kept outside the journal, so whoever can write the "
                   + "ledger file can add, change or remove its rows, and `accord audit` does not check it")
        RowSet(columns: ["id", "at", "actor", "role", "method", "route", "query", "status", "rows"], rows: records.map { record in
            [.int(record.id), .text(record.at), .text(record.actor), .text(record.role), .text(record.method), .text(record.route),
             Cell(record.query), .int(Int64(record.status)), Cell(record.rows)]
        }).render(output.format, header: output.header, raw: output.raw, to: TextOutput())
    }
}
