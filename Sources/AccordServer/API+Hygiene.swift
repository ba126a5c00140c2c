import AccordLedger
import Hummingbird

/// Checks every route makes before its handler reads a body: the
/// `Idempotency-Key` header, a declared body length, and the revocation of
/// the last admin token.
extension API {
    /// The request's `Idempotency-Key`; nil when absent.
    /// - Throws: ``Problem`` 400 for a key that is empty, longer than 200
    ///   bytes, not visible ASCII, or given twice.
    static func idempotencyHeader(_ request: Request) throws -> String? {
        let values = request.headers[values: idempotencyKeyField]
        guard let key = values.first else { return nil }
        guard values.count == 1 else { throw Problem(.malformed, "Idempotency-Key: give it once") }
        guard !key.isEmpty, key.utf8.count <= 200, key.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw Problem(.malformed, "Idempotency-Key: give 1 to 200 visible ASCII characters (a UUID, for example)")
        }
        return key
    }

    /// Validates `Idempotency-Key` on every route (a malformed one is 400
    /// wherever it is sent), and refuses it where a retry could not answer
    /// what the first request did: an issued token's secret is shown once,
    /// and an import's rows carry their own ids.
    static func checkIdempotencyHeader(_ request: Request, route: Route) throws {
        guard try idempotencyHeader(request) != nil, route.method == .post else { return }
        switch route.path {
        case "/v1/tokens":
            throw Problem(.malformed, "Idempotency-Key is not taken by POST /v1/tokens: a token's secret is shown once and "
                          + "never again, so a retry could not answer it; if you cannot tell whether a token was issued, "
                          + "revoke it (DELETE /v1/tokens/NAME) and issue another under a new name")
        case "/v1/import":
            throw Problem(.malformed, "Idempotency-Key is not taken by POST /v1/import: its rows carry their own ids, so "
                          + "sending the same file again records nothing twice (rows already present are counted in "
                          + "alreadyPresent); give each row an id")
        case "/v1/bundles":
            throw Problem(.malformed, "Idempotency-Key is not taken by POST /v1/bundles: a bundle's entries carry their own "
                          + "ids, so sending the same bundle again records nothing twice and answers the same receipts")
        default:
            return
        }
    }

    /// Refuses, before reading anything, a body whose `Content-Length` is over `limit`.
    /// - Throws: ``Problem`` 413.
    static func refuseDeclaredLength(_ request: Request, limit: Int) throws {
        guard let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit else { return }
        throw Problem(.tooLarge, "the body is larger than \(limit) bytes, the most this route accepts")
    }

    /// The route as the access log keeps it: the route's template with its
    /// parameters percent-decoded (`/v1/export/verifications`, however the
    /// path was spelt), so a search for a read finds every one.
    static func loggedRoute(_ route: Route, _ context: AccordContext) throws -> String {
        try route.path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return String(part) }
            return try PathParameter.get(String(part.dropFirst().dropLast()), context)
        }.joined(separator: "/")
    }

    /// What every access-log answer says of itself: the table is outside the journal.
    static let accessLogUnverified = "the access log is kept outside the journal: whoever can write the ledger file can "
        + "add, change or remove its rows, and `accord audit` does not check it"
}
