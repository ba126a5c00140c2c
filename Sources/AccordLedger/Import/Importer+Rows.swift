/// Applying one row, prepared on its own (``RowPreparer``), by the same
/// session functions as a single operation of its kind.
extension Importer {
    /// Applies one row.
    /// - Throws: ``LedgerError`` about the request (``LedgerError/isAboutTheRequest``) for a bad row
    ///   (nothing of it was written); ``ImportKindRefused`` for a row of a kind not allowed, and
    ///   anything else (a ledger failure): both end the import, unwritten.
    func apply(_ prepared: PreparedRow, _ row: RowOrigin, _ session: Session) throws -> Recorded {
        switch prepared {
        case .refused(let error):
            throw error
        case .verification(let verification):
            let recorded = try session.log(verification)
            try remember(row, recorded, session)
            return recorded
        case .breach(let breach):
            let recorded = try session.record(breach)
            try remember(row, recorded, session)
            return recorded
        case .corroboration(let corroboration):
            return try session.corroborate(corroboration, reference: try corroborated(corroboration.target, row: row, session))
        case .party(let party): return try session.add(party)
        case .agreement(let agreement): return try session.add(agreement)
        case .commitment(let commitment): return try session.add(commitment)
        case .guarantee(let guarantee): return try session.add(guarantee)
        }
    }
}
