import AccordStorage
import AccordTrust

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
    /// The operation was only prepared: its signer (a ``ClaimCapture``) kept
    /// the claim the entry would be signed over, and stopped it there;
    /// nothing was written.
    case prepared(Claim)

    /// The receipt, when the operation was recorded or already was.
    public var receipt: Receipt? {
        switch self {
        case .recorded(let receipt), .alreadyRecorded(let receipt): receipt
        case .failed, .notWritten, .prepared: nil
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

    /// Records a batch of operations in one write transaction, all as
    /// `recorder`; see ``record(_:atomically:)``.
    /// - Throws: ``LedgerError`` only when the ledger itself fails.
    public func record(_ operations: [LedgerOperation], as recorder: Recorder,
                       atomically: Bool = false) throws -> [OperationResult] {
        try record(operations.map { LedgerWrite($0, as: recorder) }, atomically: atomically)
    }

    /// Records a batch of writes in one write transaction, in order, and
    /// returns one result per write: its receipt (a seq of its own), an
    /// "already recorded" receipt (the same external id and content, or the
    /// same idempotency key and request), or its own refusal. Each write is
    /// recorded as its own recorder (actor and signer, checked as a single
    /// write's are) and keeps its own idempotency key.
    ///
    /// A refused write leaves nothing behind (its writes are rolled back to
    /// a savepoint) and does not stop the others, unless `atomically`: then
    /// one refusal writes nothing at all, every write is still checked, and
    /// those that would have been recorded are ``OperationResult/notWritten``.
    /// Later writes see what earlier ones recorded (a party, then its
    /// commitment). The last entry of the transaction carries the state root;
    /// each receipt gives the tree the transaction left. Nothing is handed
    /// back before the transaction has committed (`synchronous=FULL`): a
    /// receipt may be acknowledged as soon as this returns.
    /// - Throws: ``LedgerError`` only when the ledger itself fails (busy,
    ///   tampered, storage): then nothing was written.
    public func record(_ writes: [LedgerWrite], atomically: Bool = false) throws -> [OperationResult] {
        try record(writes, atomically: atomically, beforeCommit: { _ in })
    }

    /// As ``record(_:atomically:)``; `beforeCommit` runs in the transaction
    /// after the last write, with its connection: what it throws rolls back every write.
    func record(_ writes: [LedgerWrite], atomically: Bool, beforeCommit: (Database) throws -> Void) throws -> [OperationResult] {
        let attempts: [Session.Attempt?]
        let commit: JournalCommit?
        do {
            (attempts, commit) = try attempt(writes, atomically: atomically, beforeCommit: beforeCommit)
        } catch let refused as AllOrNothing {
            return zip(refused.attempts, writes).map { attempt, write in
                if case .failure(let error)? = attempt { return OperationResult(failure: error, of: write) }
                return .notWritten
            }
        }
        return try LedgerError.translating {
            try database.read { db in
                var head: (size: Int64, root: Hash32)?
                return try zip(attempts, writes).map { attempt, write in
                    switch attempt {
                    case .success(let recorded)?:
                        let receipt = try Receipt.make(recorded, commit: commit, db: db, head: &head)
                        return receipt.recorded ? .recorded(receipt) : .alreadyRecorded(receipt)
                    case .failure(let error)?:
                        return OperationResult(failure: error, of: write)
                    case nil:
                        return .notWritten
                    }
                }
            }
        }
    }

    /// The writes of ``record(_:atomically:beforeCommit:)``, committed, and
    /// what each came to (nil: not run), without their receipts: for a
    /// caller that needs only each write's seq (a push bundle's).
    /// - Throws: ``AllOrNothing`` when `atomically` and a write was refused
    ///   (nothing was written); ``LedgerError`` when the ledger fails.
    func attempt(_ writes: [LedgerWrite], atomically: Bool,
                 beforeCommit: (Database) throws -> Void) throws -> (attempts: [Session.Attempt?], commit: JournalCommit?) {
        // Values that are wrong on their own are refused before the transaction.
        let prepared = try writes.map { write -> Result<PreparedWrite, LedgerError> in
            do {
                return .success(try PreparedWrite(write))
            } catch let error as LedgerError where error.isAboutTheRequest {
                return .failure(error)
            }
        }
        // The transaction opens as the first write's recorder; each write then records as its own.
        let opening = prepared.lazy.compactMap { try? $0.get().recorder }.first ?? Recorder(actor: "accord")
        // Each write's savepoint keeps what it may roll back in memory, not in a temporary file.
        let (attempts, commit) = try database.withTemporaryStorageInMemory { try transactCommitting(opening) { session -> [Session.Attempt?] in
            // No operation of a batch registers or revokes a key: a signer found good stays good.
            session.remembersSignerChecks = true
            var attempts: [Session.Attempt?] = []
            attempts.reserveCapacity(prepared.count)
            for item in prepared {
                switch item {
                case .failure(let error): attempts.append(.failure(error))
                case .success(let write):
                    session.record(as: write.recorder)
                    attempts.append(try session.attempt(isolated: write.isolated) {
                        try session.once(write.idempotency, kind: write.kind) { try write.operation.apply(session) }
                    })
                }
            }
            if atomically, attempts.contains(where: { if case .failure = $0 { true } else { false } }) {
                throw AllOrNothing(attempts: attempts)
            }
            try beforeCommit(session.db)
            return attempts
        } }
        return (attempts, commit)
    }
}

extension OperationResult {
    /// A refusal, or — when the write's signer is a ``ClaimCapture`` that
    /// kept a claim — the claim it stopped the write at.
    init(failure error: LedgerError, of write: LedgerWrite) {
        if let capture = write.recorder.signer as? ClaimCapture, let claim = capture.claim {
            self = .prepared(claim)
        } else {
            self = .failed(error)
        }
    }
}

/// Thrown inside a batch's transaction to roll it back: an operation of an
/// all-or-nothing batch was refused.
struct AllOrNothing: Error {
    var attempts: [Session.Attempt?]
}
