import AccordSchema
import AccordStorage

extension Ledger {
    /// Refuses to write into a ledger whose schema objects are not exactly
    /// those the migrations create: a trigger added where nobody looks could
    /// silently drop or change what is written (a `BEFORE INSERT … RAISE(IGNORE)`
    /// on the journal loses entries while the command reports success).
    ///
    /// Called first in every write transaction. Reading `sqlite_schema` and
    /// hashing it costs well under a millisecond (``Schema/hasCarriedSchema(_:)``);
    /// the expected schema is built only when the fingerprint differs (see
    /// ``Schema/differences(_:)``). The
    /// verdict is kept per connection until `PRAGMA schema_version` moves, so a
    /// long-lived writer checks again only after a schema change.
    ///
    /// Reads call it too (``LedgerView/init(head:)``), with `reading` set,
    /// and refuse a ledger whose schema differs in anything but its triggers
    /// and indexes (by their type's exact bytes): the state root
    /// hashes the projections' values, not their columns' names, so a column
    /// renamed (`done` and `not_done` swapped) would change what a value
    /// means without changing a leaf. A trigger or an index added, altered or
    /// dropped changes nothing a read shows (the state is read `NOT INDEXED`
    /// and checked), so reads go on while writes are refused.
    ///
    /// What SQLite compiles statements against is the schema the connection
    /// parsed, maybe in an earlier transaction (when it opened): an edit of
    /// `sqlite_schema` put back since, the schema cookie unchanged, would leave
    /// it other than the text checked here. So the schema is parsed again
    /// inside this transaction, from the text checked, by a read whenever it
    /// checks, and by a write when another connection has committed since the
    /// connection parsed it (``Database/schemaMayBeStale()``: `PRAGMA
    /// data_version`; the re-parse costs a third of one append's instructions,
    /// the test almost nothing). A write then checks again even where a
    /// verdict was kept.
    /// - Throws: ``LedgerError`` `.tampered` naming the first altered object.
    static func requireUnalteredSchema(_ db: Database, reading: Bool = false) throws {
        let stale = try !reading && db.schemaMayBeStale()
        if stale { db.checkedSchemaVersion = nil }
        let version = try db.schemaVersion()
        if db.checkedSchemaVersion == version { return }
        if reading || stale { try db.parseSchemaAgain() }
        if try Schema.hasCarriedSchema(db) {
            db.checkedSchemaVersion = version
            return
        }
        let differences = try Schema.differences(db.schemaObjects())
        // What a read may pass over, by its type's exact bytes; anything else (a table or view, or a
        // type SQLite reads as one, such as `TABLE`, which it matches ignoring case) is refused.
        let passable = [Array("trigger".utf8), Array("index".utf8)]
        let refused = reading ? differences.filter { !passable.contains($0.object.type) } : differences
        if let first = refused.first {
            let more = refused.count > 1 ? " (and \(refused.count - 1) more)" : ""
            let consequence = reading ? "nothing it holds can be trusted" : "nothing was written"
            throw LedgerError(.tampered, "the ledger's schema was altered: \(describe(first))\(more); \(consequence)",
                              hint: .auditLedger(db.path))
        }
        // A verdict kept for writes too: only when nothing at all differs.
        if differences.isEmpty { db.checkedSchemaVersion = version }
    }

    /// One schema difference in words: "trigger sqliteXj is not part of the Accord schema".
    static func describe(_ difference: SchemaDifference) -> String {
        let label = TextRules.printable(difference.object.label, limit: 80)
        switch difference.kind {
        case .missing: return "\(label) is missing"
        case .altered: return "\(label) differs from the one the migrations create"
        case .foreign: return "\(label) is not part of the Accord schema"
        }
    }
}
