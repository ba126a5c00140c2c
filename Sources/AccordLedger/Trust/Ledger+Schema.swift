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
    /// and checked), so reads go on while writes are refused. A read first
    /// has SQLite parse the schema again inside its transaction, so that
    /// what its statements are compiled against is the text checked here (the
    /// connection may have parsed another text when it opened, edited in
    /// `sqlite_schema` and put back since without moving the schema cookie).
    /// A write does not, for its cost (a third of the instructions of one append): that
    /// race against a writer is open (docs/JOURNAL.md, "Writes check the schema too").
    /// - Throws: ``LedgerError`` `.tampered` naming the first altered object.
    static func requireUnalteredSchema(_ db: Database, reading: Bool = false) throws {
        let version = try db.schemaVersion()
        if db.checkedSchemaVersion == version { return }
        // What SQLite compiles statements against is the schema it parsed, maybe before this transaction
        // (when the connection opened): an edit of `sqlite_schema` put back since, the cookie unchanged,
        // would leave it other than the text checked below. A read has it parsed again, from this
        // transaction's text (8 M instructions; a write does not: a third of one append's).
        if reading { try db.execute("PRAGMA writable_schema = RESET") }
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
