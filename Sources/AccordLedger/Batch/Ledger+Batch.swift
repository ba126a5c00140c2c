import AccordStorage

/// What one operation of a batch came to.
public enum OperationResult: Sendable {
    /// A new entry was appended: its receipt.
    case recorded(Receipt)
    /// The same content was already recorded (an idempotent retry): the
    /// receipt of the entry that holds it; nothing was written.
    case alreadyRecorded(Receipt)
    /// The operation was refused; the others were not affected.
    case failed(LedgerError)
    /// The operation would have been recorded, but the batch was all or
    /// nothing and another operation failed: nothing was written.
    case notWritten

    /// The receipt, when the operation was recorded or already was.
    public var receipt: Receipt? {
        switch self {
        case .recorded(let receipt), .alreadyRecorded(let receipt): receipt
        case .failed, .notWritten: nil
        }
    }

    /// The refusal, when the operation failed.
    public var error: LedgerError? {
        if case .failed(let error) = self { return error }
        return nil
    }
}

extension Ledger {
    /// Records one operation and returns its receipt.
    /// - Throws: ``LedgerError``: a refusal of the request
    ///   (``LedgerError/isAboutTheRequest``), or a failure of the ledger.
    public func record(_ operation: LedgerOperation, as recorder: Recorder) throws -> Receipt {
        let prepared = try operation.prepared()
        return try record(recorder, prepared.apply)
    }

    /// Records a batch of operations in one write transaction, in order, and
    /// returns one result per operation: its receipt (a seq of its own), an
    /// "already recorded" receipt, or its own refusal.
    ///
    /// A refused operation leaves nothing behind (its writes are rolled back
    /// to a savepoint) and does not stop the others, unless `atomically`:
    /// then one refusal writes nothing at all, every operation is still
    /// checked, and those that would have been recorded are ``OperationResult/notWritten``.
    /// Later operations see what earlier ones recorded (a party, then its
    /// commitment). The last entry of the transaction carries the state root;
    /// each receipt gives the tree the transaction left.
    /// - Throws: ``LedgerError`` only when the ledger itself fails (busy,
    ///   tampered, storage): then nothing was written.
    public func record(_ operations: [LedgerOperation], as recorder: Recorder,
                       atomically: Bool = false) throws -> [OperationResult] {
        // Values that are wrong on their own are refused before the transaction.
        let prepared = try operations.map { operation -> Result<PreparedOperation, LedgerError> in
            do {
                return .success(try operation.prepared())
            } catch let error as LedgerError where error.isAboutTheRequest {
                return .failure(error)
            }
        }
        var attempts: [Session.Attempt?] = []
        let commit: JournalCommit?
        do {
            (attempts, commit) = try transactCommitting(recorder) { session -> [Session.Attempt?] in
                var attempts: [Session.Attempt?] = []
                attempts.reserveCapacity(prepared.count)
                for item in prepared {
                    switch item {
                    case .failure(let error): attempts.append(.failure(error))
                    case .success(let operation): attempts.append(try session.attempt(isolated: true) { try operation.apply(session) })
                    }
                }
                if atomically, attempts.contains(where: { if case .failure = $0 { true } else { false } }) {
                    throw AllOrNothing(attempts: attempts)
                }
                return attempts
            }
        } catch let refused as AllOrNothing {
            return refused.attempts.map { attempt in
                if case .failure(let error)? = attempt { return .failed(error) }
                return .notWritten
            }
        }
        return try LedgerError.translating {
            try database.read { db in
                try attempts.map { attempt in
                    switch attempt {
                    case .success(let recorded)?:
                        let receipt = try Receipt.make(recorded, commit: commit, db: db)
                        return receipt.recorded ? .recorded(receipt) : .alreadyRecorded(receipt)
                    case .failure(let error)?:
                        return .failed(error)
                    case nil:
                        return .notWritten
                    }
                }
            }
        }
    }
}

/// Thrown inside a batch's transaction to roll it back: an operation of an
/// all-or-nothing batch was refused.
private struct AllOrNothing: Error {
    var attempts: [Session.Attempt?]
}
