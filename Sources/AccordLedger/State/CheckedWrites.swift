import AccordStorage

extension Database {
    /// Runs an insert or update the ledger relies on and confirms it changed
    /// exactly `expected` rows. A write that SQLite reports done but that
    /// changed nothing was intercepted (a trigger added to the file by someone
    /// else, `RAISE(IGNORE)`): the transaction is abandoned as tampered.
    /// - Throws: ``LedgerError`` `.tampered`, or a storage error.
    func runChecked(_ sql: String, _ values: [DatabaseValueConvertible], what: @autoclosure () -> String,
                    expected: Int = 1) throws {
        let statement = try cached(sql)
        try statement.bind(values)
        try Database.confirm(try statement.run(), what: what(), expected: expected)
    }

    /// Confirms a statement's change count.
    static func confirm(_ changes: Int, what: @autoclosure () -> String, expected: Int = 1) throws {
        guard changes == expected else {
            throw LedgerError(.tampered, "writing \(what()) changed \(changes) row(s) instead of \(expected): something in the "
                              + "file that is not part of Accord's schema intercepts writes; nothing was written")
        }
    }
}
