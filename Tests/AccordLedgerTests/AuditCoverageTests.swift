import AccordSchema
import AccordStorage
import Testing
@testable import AccordLedger

/// The audit re-derives every projection: a table the migrations create that
/// it does not compare is one an attacker could edit unseen.
@Suite("Audit coverage")
struct AuditCoverageTests {
    /// Tables that are not projections: the journal and its tree, the
    /// checkpoints kept beside it, and the migration log (each checked its own way).
    /// `access_log` is the server operator's record of reads, not a projection
    /// of the journal (docs/JOURNAL.md, section 4b); triggers keep it append-only.
    /// So is `idempotency_keys`, the server's record of which request keys
    /// recorded which entry (section 4b): it decides only whether a repeated
    /// request answers the original receipt.
    /// A field ledger's `field_receipts` prove themselves (the audit's
    /// `receipts` check verifies each against its signed mission checkpoint),
    /// and `field_origin` is the clone's word, which reports show as such
    /// (docs/JOURNAL.md §8). `field_bundles` holds the field ledger's own
    /// checkpoints (the `receipts` check recomputes each root from the
    /// journal); `field_checkpoints` is a mission ledger's memory of field
    /// ledgers' roots, which only decides whether a later bundle is refused.
    /// `field_skipped` is a reviewer's field ledger's word on which mission
    /// entries it did not adopt, which its reports show as such.
    static let notProjections: Set<String> = ["journal", "merkle_nodes", "merkle_frontier", "checkpoints", "schema_migrations",
                                              "access_log", "idempotency_keys", "field_receipts", "field_origin", "field_bundles",
                                              "field_checkpoints", "field_skipped"]

    @Test("every table the migrations create is compared by the audit or checked its own way")
    func everyTableAudited() throws {
        let tables = Set(try Schema.expectedObjects().filter { $0.type == Array("table".utf8) }
            .map { String(decoding: $0.name, as: UTF8.self) }.filter { !$0.hasPrefix("sqlite_") })
        let audited = Set(Audit.projections.map(\.table))
        #expect(tables.subtracting(audited).subtracting(Self.notProjections).isEmpty,
                "not audited: \(tables.subtracting(audited).subtracting(Self.notProjections).sorted())")
        #expect(audited.subtracting(tables).isEmpty, "audited but not in the schema: \(audited.subtracting(tables).sorted())")
    }
}
