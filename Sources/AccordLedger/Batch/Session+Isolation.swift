import AccordStorage

/// One operation of a batch, undone alone when it fails.
///
/// A failing operation must leave nothing behind: not its rows (a savepoint
/// is rolled back) and not what the transaction keeps in memory about them —
/// the journal writer's last entry, held back to carry the state root, and
/// its tree edge; the state tracker's checked and changed entities and
/// evidence chains; the pending running totals; the facts this transaction
/// remembered. The savepoint is taken lazily, just before the operation's
/// first append: most failures are refusals found before anything is
/// written, and cost nothing to undo.
struct OperationIsolation {
    static let savepoint = "accord_operation"

    /// True between ``Session/begin()`` and the operation's first append.
    fileprivate(set) var armed = false
    /// The writer as it stood when the savepoint was taken (nil: not taken).
    fileprivate(set) var mark: JournalWriter.Mark?
}

extension Session {
    /// The outcome of one operation run by ``attempt(isolated:_:)``.
    typealias Attempt = Result<Recorded, LedgerError>

    /// Runs one operation of a batch. A refusal of the request
    /// (``LedgerError/isAboutTheRequest``) is returned, and, with `isolated`,
    /// everything the operation wrote is undone first; any other error ends
    /// the transaction.
    /// - Parameter isolated: take a savepoint before the operation's first
    ///   append. Without it a refusal after an append would leave that entry
    ///   in place: callers whose operations are refused only before they
    ///   write (the importer's rows) may save the savepoint's cost.
    func attempt(isolated: Bool, _ operation: () throws -> Recorded) throws -> Attempt {
        isolation.armed = isolated
        defer { isolation.armed = false }
        let before = writer.seq
        do {
            let recorded = try operation()
            try endIsolation(keeping: true)
            return .success(recorded)
        } catch let error as LedgerError where error.isAboutTheRequest {
            // Without a savepoint nothing may be undone: a refusal after an append would leave the entry recorded
            // while the caller reports it refused. That would be a defect of the operation, so the whole transaction ends.
            guard isolated || writer.seq == before else {
                throw LedgerError(.failure, "an operation run without a savepoint was refused after it wrote (\(error.message)); "
                                  + "nothing was recorded")
            }
            try endIsolation(keeping: false)
            return .failure(error)
        }
    }

    /// Called before every append: takes the operation's savepoint on its first.
    func willWrite() throws {
        guard isolation.armed, isolation.mark == nil else { return }
        try db.beginSavepoint(OperationIsolation.savepoint)
        isolation.mark = writer.mark()
        writer.tracker.beginUndo()
        writer.projector.beginUndo()
    }

    private func endIsolation(keeping: Bool) throws {
        guard let mark = isolation.mark else { return }
        isolation.mark = nil
        if keeping {
            try db.releaseSavepoint(OperationIsolation.savepoint)
            writer.tracker.commitUndo()
            writer.projector.commitUndo()
        } else {
            try db.rollBack(toSavepoint: OperationIsolation.savepoint)
            writer.restore(mark)
            writer.tracker.rollBackUndo()
            writer.projector.rollBackUndo()
            // What this transaction remembered may describe rows that are gone.
            knownCommitments.removeAll()
            knownTerms.removeAll()
        }
    }
}

extension LedgerError {
    /// True when the error concerns what was asked — an unknown id, a
    /// conflict with what is recorded, an invalid or forbidden request — and
    /// not the ledger or its storage: one operation of a batch (one row of
    /// an import) fails with it, and the others go on.
    public var isAboutTheRequest: Bool {
        switch kind {
        case .notFound, .conflict, .invalid, .forbidden: true
        case .tampered, .corrupt, .unverifiable, .busy, .notALedger, .io, .failure: false
        }
    }
}
