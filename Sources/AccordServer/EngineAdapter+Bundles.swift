import AccordLedger

/// Field ledgers over HTTP: the definitions bundle a field ledger clones
/// from or pulls, and push bundles applied through the one writer.
extension EngineAdapter {
    /// Why `POST /v1/bundles` is refused on a server started without `--checkpoint-key`.
    static let noCheckpointKey = "this server was started without --checkpoint-key, so it cannot sign the checkpoint a "
        + "push's receipts are proved against; restart it with --checkpoint-key FILE (an admin key registered in the ledger), "
        + "or carry the bundle to the mission ledger and run `accord import-bundle` there"

    /// With an admin `--checkpoint-key`, the bundle proves its definitions in a
    /// checkpoint signed with it (a write: the checkpoint is recorded). The
    /// mission's evidence (`evidence`, for a reviewer's field ledger) is
    /// handed over only so proved: 409 unconfigured without such a key.
    public func definitionsBundle(after: Int64, evidence: Bool) async throws(ServiceError) -> [UInt8] {
        guard let key = checkpointKey else {
            if evidence {
                throw ServiceError(.unconfigured, "this server was started without --checkpoint-key, and the mission's evidence is "
                                   + "handed to a field ledger only proved in a checkpoint signed by an admin key; restart it with "
                                   + "--checkpoint-key FILE (an admin key registered in the ledger)")
            }
            return try await onReader { ledger in try ledger.definitionsBundle(after: after) }
        }
        return try await onWriter { ledger in
            let admin = (try? ledger.requireReceiptSigner(key)) != nil
            if evidence, !admin {
                throw ServiceError(.unconfigured, "this server's --checkpoint-key is not an admin key registered in the ledger, and the "
                                   + "mission's evidence is handed to a field ledger only proved in a checkpoint signed by one; "
                                   + "restart it with --checkpoint-key FILE of an admin key")
            }
            return try ledger.definitionsBundle(after: after, checkpointKey: admin ? key : nil, evidence: evidence)
        }
    }

    /// Why the server's `--checkpoint-key` cannot sign receipts (it is no
    /// admin key registered in the ledger), or nil when it can or there is none.
    public func receiptSignerProblem() async -> String? {
        guard let key = checkpointKey else { return nil }
        do {
            return try await onReader { ledger -> String? in
                do {
                    try ledger.requireReceiptSigner(key)
                    return nil
                } catch let error as LedgerError {
                    return error.message
                }
            }
        } catch {
            return error.message
        }
    }

    public func applyBundle(_ bundle: [UInt8], unsigned: UnsignedEntries, role: TokenRole) async throws(ServiceError) -> BundleOutcome {
        guard let key = checkpointKey else { throw ServiceError(.unconfigured, EngineAdapter.noCheckpointKey) }
        // One engine call holding the writer: the writes queued before it go first, those after wait for it.
        return try await onWriter { ledger in
            do {
                try ledger.requireReceiptSigner(key)
            } catch let error as LedgerError {
                // The server's configuration, not the request, is wrong: 409 unconfigured, as without a key.
                throw ServiceError(.unconfigured, "this server's --checkpoint-key cannot sign receipts: \(error.message); restart "
                                   + "it with --checkpoint-key FILE of an admin key registered in the ledger")
            }
            do {
                return try ledger.applyBundle(bundle, unsigned: unsigned, role: role, checkpointKey: key)
            } catch let error as LedgerError {
                throw EngineAdapter.bundleRefusal(error)
            }
        }
    }

    /// A bundle refused whole: an invalid one points where in the bundle the
    /// engine says (`/entries/3/signature`), never at a body field of that
    /// name (the engine's `Field` names what is wrong in an entry, not where).
    static func bundleRefusal(_ error: LedgerError) -> ServiceError {
        var service = serviceError(error)
        if case .invalid = error.kind {
            service.kind = .invalid(field: error.documentPointer.map { String($0.drop { $0 == "/" }) })
        }
        return service
    }
}
