import AccordLedger
import ArgumentParser

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Log a verification: evidence about a commitment, or another source for one already logged.",
        discussion: """
            One event reported by several sources is ONE verification: log it once, then add each further \
            source with `accord log --corroborates <entry> --source …`, which never adds quantity again. \
            A corroboration given no --confidence takes the confidence of the record it corroborates, so it \
            never raises that record's confidence unless you say how sure the new source is.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: RecorderOptions
    @OptionGroup var receiptOptions: ReceiptOptions
    @Argument(help: "The commitment the evidence is about.") var commitment: String?
    @Option(parsing: .unconditional, help: "The quantity observed (quantity commitments).") var quantity: String?
    @Flag(help: "The action was observed done.") var done = false
    @Flag(name: .customLong("not-done"), help: "The action was observed not done.") var notDone = false
    @Option(help: "When it was observed (YYYY-MM-DD or ISO 8601 with a zone).") var observed: String?
    @Option(help: "How precise the date is: day (default), week or month (--observed is still a whole date: any day in it).")
    var precision: String?
    @Option(help: ArgumentHelp("Corroborate an earlier verification or breach (its seq or id).", valueName: "entry"))
    var corroborates: String?
    @OptionGroup var evidence: EvidenceOptions
    @OptionGroup var remote: RemoteSource

    func validate() throws {
        if corroborates != nil {
            if commitment != nil { throw ValidationError("give either a commitment or --corroborates <entry>, not both") }
            if quantity != nil || done || notDone || observed != nil || precision != nil {
                throw ValidationError("a corroboration adds a source only: leave out --quantity, --done, --not-done, --observed and --precision")
            }
            if evidence.place != nil || evidence.lat != nil || evidence.lon != nil || evidence.geoPrecision != nil {
                throw ValidationError("a corroboration adds a source only: leave out --place, --lat, --lon and --geo-precision")
            }
        } else {
            if commitment == nil { throw ValidationError("Missing expected argument '<commitment>' (or --corroborates <entry>)") }
            if observed == nil { throw ValidationError("Missing expected argument '--observed <observed>'") }
        }
        if evidence.source == nil { throw ValidationError("Missing expected argument '--source <source>'") }
    }

    func run() throws {
        if let server = try remote.server(global) { return try runRemote(server) }
        let ledger = try global.openLedger()
        let source = try evidence.sourceInput()
        if let corroborates {
            var input = CorroborationInput(target: corroborates, source: source)
            input.externalID = evidence.externalID
            input.evidence = try evidence.evidenceInput()
            input.note = evidence.note
            announce(try ledger.corroborate(input, as: recorder.recorder()), "corroboration of \(corroborates)", receiptOptions)
            return
        }
        guard let commitment, let observed else { return }
        var input = VerificationInput(commitment: commitment, observed: observed, source: source)
        input.quantity = quantity
        input.done = done
        input.notDone = notDone
        input.precision = precision
        input.externalID = evidence.externalID
        input.evidence = try evidence.evidenceInput()
        input.note = evidence.note
        input.location = evidence.locationInput
        announce(try ledger.log(input, as: recorder.recorder()), "verification of \(commitment)", receiptOptions)
    }

    /// The same entry, recorded by the server (signed here with --sign-with).
    func runRemote(_ server: RemoteLedger) throws {
        let signer = try recorder.remoteSigner()
        if let corroborates {
            let fields = [("corroborates", JSON.string(corroborates))] + (try evidence.remoteFields(location: false))
            announce(try server.record("/v1/corroborations", fields, kind: .corroboration, signer: signer),
                     "corroboration of \(corroborates)", receiptOptions)
            return
        }
        guard let commitment, let observed else { return }
        var fields: [(String, JSON)] = [("commitment", .string(commitment)), ("quantity", JSON(quantity)),
                                        ("done", done ? .bool(true) : .null), ("notDone", notDone ? .bool(true) : .null),
                                        ("observed", .string(observed)), ("precision", JSON(precision))]
        fields += try evidence.remoteFields()
        announce(try server.record("/v1/verifications", fields, kind: .verification, signer: signer),
                 "verification of \(commitment)", receiptOptions)
    }
}

struct BreachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breach",
        abstract: "Report a breach of a commitment by a party.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: RecorderOptions
    @OptionGroup var receiptOptions: ReceiptOptions
    @Argument(help: "The commitment breached.") var commitment: String
    @Option(help: "The party in breach: the commitment's obligor (the default; another party is refused).") var party: String?
    @Option(help: "When it was observed.") var observed: String
    @Option(help: "How precise the date is: day (default), week or month (--observed is still a whole date: any day in it).")
    var precision: String?
    @Option(help: "minor, major or grave.") var severity: String
    @Option(help: "What happened.") var description: String?
    @OptionGroup var evidence: EvidenceOptions
    @OptionGroup var remote: RemoteSource

    func validate() throws {
        if evidence.source == nil { throw ValidationError("Missing expected argument '--source <source>'") }
    }

    func run() throws {
        if let server = try remote.server(global) {
            var fields: [(String, JSON)] = [("commitment", .string(commitment)), ("party", JSON(party)), ("observed", .string(observed)),
                                            ("precision", JSON(precision)), ("severity", .string(severity)),
                                            ("description", JSON(description))]
            fields += try evidence.remoteFields()
            announce(try server.record("/v1/breaches", fields, kind: .breach, signer: try recorder.remoteSigner()),
                     "breach of \(commitment)", receiptOptions)
            return
        }
        let ledger = try global.openLedger()
        var input = BreachInput(commitment: commitment, party: party, observed: observed, severity: severity,
                                source: try evidence.sourceInput())
        input.precision = precision
        input.description = description
        input.externalID = evidence.externalID
        input.evidence = try evidence.evidenceInput()
        input.note = evidence.note
        input.location = evidence.locationInput
        announce(try ledger.recordBreach(input, as: recorder.recorder()), "breach of \(commitment)", receiptOptions)
    }
}
