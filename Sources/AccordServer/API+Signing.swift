import AccordLedger
import AccordTrust
import Hummingbird

/// Signed entries over HTTP (docs/JOURNAL.md §4b). A token bound to a key
/// (`accord token issue --key`) records only entries signed with that key.
/// A signature covers the entry's claim — kind, actor, payload — which the
/// ledger builds from the request's fields and its own state, so it is made
/// in two steps: `?prepare=true` answers the claim the ledger would sign for
/// these fields now (nothing is written); the key's holder signs it and
/// sends the same fields again with `signature`. The ledger builds the claim
/// again and records the entry only if the signature verifies over it.
extension API {
    /// How the entry of a recording request is to be signed, from the
    /// caller's key, `prepare` and the body's `signature`.
    /// - Throws: ``Problem`` 422 pointing at `/signature` (or the query
    ///   parameter `prepare`) when they do not fit together.
    static func signing(_ caller: Caller, prepare: Bool, signature: String?) throws -> WriteRequest.Signing {
        guard let key = caller.key else {
            if prepare {
                throw QueryParameters.problem(.invalid, "prepare", "prepare: token \(caller.name) is bound to no key, so its "
                                              + "entries are not signed and there is no claim to prepare; send the request "
                                              + "without prepare")
            }
            if signature != nil {
                throw Problem(.invalid, "signature: token \(caller.name) is bound to no key, so there is nothing to verify a "
                              + "signature against; send the fields without signature", pointer: "/signature")
            }
            return .none
        }
        if prepare {
            guard signature == nil else {
                throw Problem(.invalid, "signature: a prepare request sends the fields without signature: it answers the "
                              + "claim to sign", pointer: "/signature")
            }
            return .prepare(key: key)
        }
        guard let signature else {
            throw Problem(.invalid, "signature: token \(caller.name) is bound to key \(key), so its entries must be signed: "
                          + "send the request with ?prepare=true to get the claim, sign it with \(key) (`accord key "
                          + "sign-claim --key \(key).key`), then send the same fields again with \"signature\": the "
                          + "base64 signature; nothing was written", pointer: "/signature")
        }
        guard let bytes = ByteEncoding.decodeBase64(signature), bytes.count == 64 else {
            throw Problem(.invalid, "signature: give the 64-byte Ed25519 signature of the prepared claim in base64 "
                          + "(88 characters); nothing was written", pointer: "/signature")
        }
        return .signature(key: key, bytes)
    }

    /// Refuses a key-bound token on the routes that write but cannot take
    /// a signature; the recording routes take one (``signing(_:prepare:signature:)``).
    /// - Throws: ``Problem`` 403 saying why and what to do instead.
    static func refuseUnsigned(_ caller: Caller, _ route: Route) throws {
        // A push bundle's entries carry their own signatures (``unsignedEntries(_:)``).
        guard let key = caller.key, route.method != .get, !WriteBodies.records(route.path), route.path != "/v1/bundles" else {
            return
        }
        let why: String
        switch route.path {
        case "/v1/import":
            why = "an import records one entry per row, and each would need a signature by the key made over its own "
                + "claim; send the rows one by one to their recording routes (each prepared and signed), or import the "
                + "file with `accord import --sign-with` on the ledger"
        case "/v1/tokens":
            why = "a token's issue records the SHA-256 of a secret made only as it is recorded, so its claim cannot be "
                + "prepared and signed in advance; issue it with `accord token issue --sign-with` on the ledger, or with a "
                + "token bound to no key"
        default:
            why = "a revocation over HTTP carries no signature; revoke it with `accord token revoke --sign-with` on the "
                + "ledger, or with a token bound to no key"
        }
        throw Problem(.forbidden, "token \(caller.name) is bound to key \(key), so every entry it records must be signed "
                      + "with that key, and \(route.method.rawValue) \(route.path) cannot take a signature: \(why)")
    }

    /// The answer to a prepare request: the claim, in base64, and what it is.
    static func prepared(_ claim: Claim, signer: String?) -> Response {
        json(.ok, ProblemValue.object([
            ("claim", .string(ByteEncoding.base64(claim.bytes))), ("kind", .string(claim.kind.rawValue)),
            ("actor", .string(claim.actor)), ("signer", signer.map { .string($0) } ?? .null),
        ]).serialized())
    }
}
