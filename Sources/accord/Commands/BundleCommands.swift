import AccordFiles
import AccordLedger
import ArgumentParser

/// `accord bundle --out FILE` (field ledger: the entries not yet pushed, for
/// carrying; `accord bundle entries` is its full name) and `accord bundle
/// definitions --out FILE` (mission ledger: the definitions a field ledger is
/// cloned from).
struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Field ledger: write the entries not yet acknowledged to a bundle file, to carry where there is no network.",
        discussion: """
            The bundle holds every local evidence entry the mission ledger has not acknowledged, each with its \
            monitor's signature, and a digest over them all: it verifies itself, and one altered byte refuses it \
            whole. On the mission ledger `accord import-bundle FILE` applies it (as `accord push` would) and writes a \
            receipts file, which `accord import-receipts` takes back here. `accord bundle definitions` (on the mission \
            ledger) writes the definitions a field ledger is cloned from.
            """,
        subcommands: [Entries.self, Definitions.self],
        defaultSubcommand: Entries.self)

    struct Entries: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "entries",
            abstract: "Field ledger: write the entries not yet acknowledged to a bundle file (`accord bundle --out FILE`).")

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The bundle file to write (replaced whole if it exists).", valueName: "file"))
        var out: String

        func run() throws {
            try global.refuseOverwriting(out, flag: "--out")
            let ledger = try global.openLedger()
            guard let bundle = try ledger.pushBundle() else {
                printError("Nothing to bundle: the mission ledger has answered every entry of \(global.displayName.name).")
                return
            }
            let count = try ledger.pushStatus().filter { $0.state == .pending }.count
            try BundleFiles.write(bundle, to: out)
            printError("Wrote \(count) entr\(count == 1 ? "y" : "ies") not yet answered to \(out); on the mission ledger "
                       + "`accord import-bundle \(out)` applies \(count == 1 ? "it" : "them") and writes the receipts, which "
                       + "`accord import-receipts FILE` takes back here.")
        }
    }

    struct Definitions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "definitions",
            abstract: "Mission ledger: write its definitions (parties, agreements, commitments, guarantees, keys) for field ledgers.",
            discussion: """
                `accord clone --from-bundle FILE` makes a field ledger from it; with --after SEQ, only what was recorded \
                after mission seq SEQ, for a field ledger already as of SEQ (its `accord pull` without a network).
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The bundle file to write (replaced whole if it exists).", valueName: "file"))
        var out: String
        @Option(help: ArgumentHelp("Only definitions recorded after this mission seq (default 0: all).", valueName: "seq"))
        var after: Int64 = 0
        @Option(name: .customLong("checkpoint-key"), help: ArgumentHelp(
            "An admin key's private key file: signs a checkpoint the bundle proves each definition in, so a field ledger "
                + "holding that key takes none on the carrier's word.", valueName: "file"))
        var checkpointKey: String?
        @Flag(help: ArgumentHelp(
            "Also every evidence entry (records, corroborations, corrections, retractions, disputes, rulings, voids), for a "
                + "reviewer's field ledger; needs --checkpoint-key (evidence is handed over only proved)."))
        var evidence = false

        func validate() throws {
            if after < 0 { throw ValidationError("--after \(after): give a seq, 0 or more") }
            if evidence, checkpointKey == nil {
                throw ValidationError("--evidence needs --checkpoint-key ADMIN.key: a field ledger adopts the mission's evidence "
                                      + "only proved in a checkpoint signed by an admin key")
            }
        }

        func run() throws {
            try global.refuseOverwriting(out, flag: "--out", inputs: checkpointKey.map { [$0] } ?? [])
            let bundle: [UInt8]
            if let checkpointKey {
                let key = try Keys.signingKey(at: checkpointKey)
                bundle = try global.openLedger().definitionsBundle(after: after, checkpointKey: key, evidence: evidence)
            } else {
                bundle = try global.openLedgerReadOnly().definitionsBundle(after: after)
            }
            try BundleFiles.write(bundle, to: out)
            let what = evidence ? "definitions and evidence" : "definitions"
            let which = after > 0 ? "\(what) recorded after seq \(after)" : what
            let proof = checkpointKey == nil ? "" : ", each proved in a checkpoint signed with the admin key"
            let use = after > 0
                ? "`accord pull --from-bundle \(out)` brings them into a field ledger as of mission seq \(after) or later"
                    + (evidence ? " whose evidence is as of \(after) or later (its reports say both)" : "")
                : "`accord clone --from-bundle \(out) --db FIELD.sqlite` makes a field ledger from it"
                    + (evidence ? " (a reviewer's), and `accord pull --from-bundle` brings it into one" : "")
            printError("Wrote the \(which) to \(out)\(proof); \(use).")
        }
    }
}

/// `accord import-bundle FILE`: applies a field ledger's bundle to the mission ledger.
struct ImportBundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-bundle",
        abstract: "Mission ledger: apply a field ledger's bundle (as a push would) and write the receipts to take back.",
        discussion: """
            Each entry is applied in order as its own write: one already recorded adds nothing (a bundle applied twice \
            records nothing twice); one the mission refuses (a commitment withdrawn or amended meanwhile, an id reused \
            with other content, a revoked key) is refused alone, listed here and in the receipts, and the rest are \
            recorded (exit 0). A bundle that does not verify whole (one altered byte) is refused whole, naming the \
            entry, and nothing is written (exit 65). The receipts prove each entry is in the mission ledger against a \
            checkpoint signed with --checkpoint-key (a key registered in it); `accord import-receipts` on the field \
            ledger takes them back. Unsigned entries are refused one by one unless --allow-unsigned: whoever carried \
            the file could have rewritten them (a digest detects damage, not tampering).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The bundle file (`accord bundle --out` on the field ledger).", valueName: "file"))
    var file: String
    @Option(help: ArgumentHelp("Where to write the receipts (default: FILE without .json, then .receipts.json).", valueName: "file"))
    var receipts: String?
    @Option(name: .customLong("checkpoint-key"), help: ArgumentHelp(
        "A registered key's private key file: signs the checkpoint the receipts are proved against (default: $ACCORD_KEY).",
        valueName: "file"))
    var checkpointKey: String?
    @Flag(name: .customLong("allow-unsigned"), help: "Record unsigned entries too, as the actors they name.")
    var allowUnsigned = false

    /// `bundle.json` → `bundle.receipts.json`; `bundle` → `bundle.receipts.json`.
    static func receiptsPath(for bundle: String) -> String {
        (bundle.hasSuffix(".json") ? String(bundle.dropLast(5)) : bundle) + ".receipts.json"
    }

    func run() throws {
        let receiptsPath = receipts ?? ImportBundleCommand.receiptsPath(for: file)
        guard let keyPath = checkpointKey ?? environment("ACCORD_KEY") else {
            throw CommandFailure(message: "give --checkpoint-key FILE (or set ACCORD_KEY): a registered key signs the checkpoint "
                                     + "the receipts prove each entry against, and a field ledger takes no receipts without it",
                                 exitCode: ExitCode32.usage.rawValue)
        }
        try global.refuseOverwriting(receiptsPath, flag: "--receipts", inputs: [file, keyPath])
        let key = try Keys.signingKey(at: keyPath)
        let bundle = try BundleFiles.read(file, what: "the bundle")
        let ledger = try global.openLedger()
        let outcome = try ledger.applyBundle(bundle, unsigned: allowUnsigned ? .anyActor : .none, checkpointKey: key)
        try BundleFiles.write(outcome.receipts, to: receiptsPath)
        for refusal in outcome.refused {
            printError("Refused field entry \(refusal.seq): \(OneLine.escaped(refusal.reason))")
        }
        printError("Applied \(file): \(outcome.recorded) recorded, \(outcome.alreadyRecorded) already recorded, "
                   + "\(outcome.refused.count) refused. Wrote the receipts to \(receiptsPath); `accord import-receipts "
                   + "\(receiptsPath)` takes them back on the field ledger.")
    }
}

/// `accord import-receipts FILE`: the field ledger takes back the receipts of a bundle.
struct ImportReceiptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-receipts",
        abstract: "Field ledger: verify and store the receipts `accord import-bundle` wrote on the mission ledger.",
        discussion: """
            Each receipt's inclusion proof is verified against the mission checkpoint, signed by a mission key this \
            ledger holds; receipts that do not verify are refused whole and nothing is stored. Entries the mission \
            refused are marked so, with the reason, until they are corrected or voided; `accord push --status` lists them.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The receipts file.", valueName: "file")) var file: String

    func run() throws {
        let receipts = try BundleFiles.read(file, what: "the receipts file")
        let outcome = try global.openLedger().importReceipts(receipts)
        printError(FieldSummary.receipts(outcome))
    }
}

/// The lines the field commands print.
enum FieldSummary {
    static func pulled(_ outcome: AdoptionOutcome, from source: String, ledger: Ledger) -> String {
        "Pulled \(outcome.adopted) definition\(outcome.adopted == 1 ? "" : "s") from \(source) (\(proof(outcome)))"
            + (outcome.evidence.map { "; " + evidence($0) } ?? "") + "; \(ledger.path) is as of mission seq \(outcome.missionSeq)."
    }

    /// What came of the mission's evidence in a reviewer's clone or pull.
    static func evidence(_ outcome: EvidenceOutcome) -> String {
        let copies = outcome.adopted == 1 ? "y of the mission's evidence as a read-only copy"
            : "ies of the mission's evidence as read-only copies"
        var line = "adopted \(outcome.adopted) entr\(copies), each with the mission's receipt"
        if outcome.recovered > 0 {
            line += " (and found \(outcome.recovered) of this ledger's own entries recorded there: their receipts are stored)"
        }
        if !outcome.skipped.isEmpty {
            let shown = outcome.skipped.prefix(5).map { "mission entry \($0.missionSeq): \($0.reason)" }
            line += "; \(outcome.skipped.count) not adopted, so its reports may differ from the mission's ("
                + shown.joined(separator: "; ") + (outcome.skipped.count > shown.count ? "; and \(outcome.skipped.count - shown.count) more" : "")
                + ")"
        }
        return line
    }

    /// Whether the definitions were proved or taken as carried.
    static func proof(_ outcome: AdoptionOutcome) -> String {
        outcome.proven ? "proved in a checkpoint signed by a mission admin key"
            : "as carried: the bundle has no signed checkpoint to prove them"
    }

    static func receipts(_ outcome: ReceiptsOutcome) -> String {
        var line = "Stored \(outcome.accepted) receipt\(outcome.accepted == 1 ? "" : "s")"
        if outcome.alreadyStored > 0 { line += " (\(outcome.alreadyStored) already stored)" }
        if outcome.refused > 0 {
            line += "; the mission ledger refused \(outcome.refused) entr\(outcome.refused == 1 ? "y" : "ies"): "
                + "`accord push --status` says why; correct or void \(outcome.refused == 1 ? "it" : "them")"
        }
        return line + "."
    }
}
