import AccordLedger
import Hummingbird

/// Field ledgers over HTTP (docs/JOURNAL.md "Bundles"): `GET
/// /v1/bundles/definitions` hands a field ledger the mission's definitions
/// (`accord clone URL`, `accord pull`); `POST /v1/bundles` applies a push
/// bundle exactly as `accord import-bundle` does and answers its receipts
/// (`accord push`).
extension API {
    func definitionsBundle(_ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        let after = try context.query.number("after") ?? 0
        let evidence = try context.query.flag("evidence") ?? false
        do {
            let bytes = try await service.definitionsBundle(after: Int64(after), evidence: evidence)
            return Response(status: .ok, headers: [.contentType: "application/json", API.contentTypeOptions: "nosniff"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            throw Problem(error)
        }
    }

    /// Applies a push bundle: 200 with the receipts document, entries refused
    /// one by one inside it (among them those of a kind the token's role does
    /// not record, ``TokenRole/pushedKinds``); a bundle refused whole is 422
    /// pointing at the entry.
    func applyBundle(_ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        guard let caller else { throw Problem(.unauthorized, "no caller") }
        try requireJSON(request)
        // A bundle is applied whole, as an import is: the same cap (--max-import).
        let bytes = try await body(request, limit: limits.maxImportBytes)
        let outcome: BundleOutcome
        do {
            outcome = try await service.applyBundle(bytes, unsigned: API.unsignedEntries(caller), role: caller.role)
        } catch {
            throw Problem(error)  // a bundle refused whole: 422 pointing at the entry the engine names
        }
        metrics.appends.increment(by: Int64(outcome.recorded))
        if outcome.alreadyRecorded > 0 { metrics.alreadyRecorded.increment(by: Int64(outcome.alreadyRecorded)) }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: outcome.receipts)))
    }

    /// Whose unsigned entries a push may record: the token's own (anyone
    /// else's must carry their key's signature); none for a token bound to a
    /// key, whose entries must all be signed.
    static func unsignedEntries(_ caller: Caller) -> UnsignedEntries {
        caller.key == nil ? .onlyActor(caller.name) : .none
    }
}
