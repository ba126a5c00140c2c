import AccordTrust

// WORK IN PROGRESS (branch field-ledgers): signatures are final, bodies are being written.
extension Ledger {
    /// Mission side: the definitions (parties, agreements, commitments and
    /// their amendments and withdrawals, guarantees, keys) recorded after
    /// mission seq `after`, as a definitions bundle (JSON bytes) a field
    /// ledger adopts (``clone(at:definitions:remote:as:settings:)``, ``adoptDefinitions(_:as:)``).
    /// - Throws: ``LedgerError``.
    public func definitionsBundle(after: Int64 = 0) throws -> [UInt8] {
        throw LedgerError.invalid(nil, "definitionsBundle: not yet")
    }

    /// Field side: creates a field ledger at `path` from a definitions bundle.
    /// `remote`: the server it came from (kept; never a token).
    /// - Throws: ``LedgerError`` (`.invalid(.bundle)` naming the entry for a bad bundle; nothing is created).
    public static func clone(at path: String, definitions: [UInt8], remote: String?, as recorder: Recorder,
                             settings: LedgerSettings = LedgerSettings()) throws -> (ledger: Ledger, outcome: AdoptionOutcome) {
        throw LedgerError.invalid(nil, "clone: not yet")
    }

    /// Field side: adopts the definitions of a bundle made after the last
    /// one adopted (a pull). Definitions already held are skipped.
    /// - Throws: ``LedgerError``; nothing is written on a refusal.
    public func adoptDefinitions(_ bundle: [UInt8], as recorder: Recorder) throws -> AdoptionOutcome {
        throw LedgerError.invalid(nil, "adoptDefinitions: not yet")
    }

    /// Field side: where this field ledger came from, or nil for a ledger that is not a field ledger.
    public func fieldOrigin() throws -> FieldOrigin? {
        nil
    }

    /// Field side: every local evidence entry not yet acknowledged by the
    /// mission (pending or refused entries not since voided), as a bundle
    /// (JSON bytes); nil when there is none.
    /// - Throws: ``LedgerError`` `.invalid` when this is not a field ledger.
    public func pushBundle() throws -> [UInt8]? {
        throw LedgerError.invalid(nil, "pushBundle: not yet")
    }

    /// Mission side: applies a bundle of field entries, in order, each as its
    /// own write (refused ones do not stop the others), and returns the
    /// receipts. A bundle that does not verify whole (an altered byte) is
    /// refused whole, naming the entry. Applying the same bundle again adds nothing.
    /// - Parameters:
    ///   - recorder: who applies it (unsigned entries are recorded only when
    ///     their actor is `unsignedActor`, or any actor when it is nil).
    ///   - checkpointKey: signs the checkpoint the receipts' proofs are
    ///     against (a key registered in this ledger); without one the
    ///     receipts carry an unsigned checkpoint a field ledger will not accept.
    /// - Throws: ``LedgerError``.
    public func applyBundle(_ bundle: [UInt8], unsignedActor: String?, checkpointKey: NoteSigningKey?) throws -> BundleOutcome {
        throw LedgerError.invalid(nil, "applyBundle: not yet")
    }

    /// Field side: verifies and stores the receipts of a push or bundle
    /// (each against the signed mission checkpoint, with the mission keys this
    /// ledger holds), and the refusals.
    /// - Throws: ``LedgerError``: `.invalid(.receipts)` for receipts that do
    ///   not verify; nothing is stored then.
    public func importReceipts(_ receipts: [UInt8]) throws -> ReceiptsOutcome {
        throw LedgerError.invalid(nil, "importReceipts: not yet")
    }

    /// Field side: every local evidence entry and where it stands.
    public func pushStatus() throws -> [PushStatus] {
        throw LedgerError.invalid(nil, "pushStatus: not yet")
    }
}
