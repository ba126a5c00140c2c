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
    /// - Throws: ``LedgerError`` `.tampered` naming the first altered object.
    static func requireUnalteredSchema(_ db: Database) throws {
        let version = try db.schemaVersion()
        if db.checkedSchemaVersion == version { return }
        if try Schema.hasCarriedSchema(db) {
            db.checkedSchemaVersion = version
            return
        }
        let differences = try Schema.differences(db.schemaObjects())
        if let first = differences.first {
            let more = differences.count > 1 ? " (and \(differences.count - 1) more)" : ""
            throw LedgerError(.tampered, "the ledger's schema was altered: \(describe(first))\(more); nothing was written",
                              hint: .auditLedger(db.path))
        }
        db.checkedSchemaVersion = version
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
