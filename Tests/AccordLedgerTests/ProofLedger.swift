import AccordStorage
import AccordTrust
@testable import AccordLedger

/// Ledgers built through the library, quickly: the definitions, then every
/// further entry a verification appended in one write transaction.
enum ProofLedger {
    static var recorder: Recorder { Recorder(actor: "fixture") }

    /// A ledger at `path` holding exactly `entries` entries (at least 4),
    /// written with `settings` (its clock, say).
    static func make(at path: String, entries: Int, settings: LedgerSettings = LedgerSettings()) throws -> Ledger {
        precondition(entries >= 4)
        let (ledger, _) = try Ledger.create(at: path, as: recorder, settings: settings)
        _ = try ledger.addParty(PartyInput(id: "UA", name: "Ukraine", kind: "state"), as: recorder)
        _ = try ledger.addAgreement(AgreementInput(id: "deal", title: "Exchange", date: "2025-05-16"), as: recorder)
        var commitment = CommitmentInput(id: "UA-release", agreement: "deal", party: "UA")
        commitment.quantity = "100000"
        commitment.unit = "prisoners"
        commitment.due = "2025-12-31"
        _ = try ledger.addCommitment(commitment, as: recorder)
        try ledger.transact(recorder) { session in
            for index in 0..<(entries - 4) {
                var input = VerificationInput(commitment: "UA-release", observed: "2025-05-\(10 + index % 20)",
                                              source: SourceInput(name: "monitor \(index % 7)", kind: "monitor"))
                input.quantity = String(index % 50 + 1)
                _ = try session.log(PreparedVerification(input))
            }
        }
        return ledger
    }

    /// Every entry's leaf hash, SHA-256(0x00 ‖ entry), in seq order, computed
    /// from the raw `entry` column without AccordTrust.
    static func leafHashes(_ ledger: Ledger) throws -> [[UInt8]] {
        var leaves: [[UInt8]] = []
        try ledger.database.read { db in
            try db.forEach("SELECT entry FROM journal ORDER BY seq") { row in leaves.append(ReferenceMerkle.sha256([0x00] + row.blob(0))) }
        }
        return leaves
    }
}
