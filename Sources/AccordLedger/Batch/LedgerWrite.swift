/// One write of a batch and who asks for it: its operation, its recorder (the
/// actor, and the key that signs it, if any) and, optionally, its idempotency
/// key. The writes of one batch may come from different callers — a server's
/// group commit gathers the requests of many tokens into one transaction —
/// so each carries its own (``Ledger/record(_:atomically:)``).
public struct LedgerWrite: Sendable {
    /// What to record, as the caller gave it.
    public var operation: LedgerOperation
    /// Who records it, and the signer of its entry.
    public var recorder: Recorder
    /// Makes a repeat of the same request harmless: the first time, the key
    /// is kept with the entry; again with the same request, nothing is written
    /// and the original entry's receipt comes back; with another request, the
    /// write is refused as a conflict with that entry.
    public var idempotency: IdempotencyKey?

    /// `operation`, recorded as `recorder`, once per `idempotency` key if one is given.
    public init(_ operation: LedgerOperation, as recorder: Recorder, idempotency: IdempotencyKey? = nil) {
        self.operation = operation
        self.recorder = recorder
        self.idempotency = idempotency
    }
}

/// A write whose inputs, actor and idempotency key were checked on their own.
struct PreparedWrite {
    let operation: PreparedOperation
    /// The recorder with its actor validated (and in NFC, as entries hold it).
    let recorder: Recorder
    let idempotency: IdempotencyKey?
    /// The kind of entry the operation records (what its idempotency key must name).
    let kind: EntryKind
    /// Whether the write runs inside a savepoint of its own
    /// (``Session/attempt(isolated:_:)``). A field ledger's verification,
    /// breach or corroboration goes through the same checks as an imported
    /// row, all made before its one append (after which nothing about the
    /// request can refuse it), so it runs without one, as the import's rows do.
    let isolated: Bool

    /// - Throws: ``LedgerError`` `.invalid` naming the field.
    init(_ write: LedgerWrite) throws {
        operation = try write.operation.prepared()
        kind = write.operation.entryKind
        if case .pushed = write.operation, [.verification, .breach, .corroboration].contains(kind) {
            isolated = false
        } else {
            isolated = true
        }
        var recorder = write.recorder
        recorder.actor = try Ledger.validateActor(recorder.actor)
        self.recorder = recorder
        if let key = write.idempotency, key.requestSHA256.count != 32 {
            throw LedgerError.invalid(nil, "an idempotency key's request digest must be a SHA-256 (32 bytes)")
        }
        idempotency = write.idempotency
    }
}
