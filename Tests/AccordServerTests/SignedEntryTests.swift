@testable import AccordLedger
import AccordServer
import AccordTrust
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A token bound to a key records signed entries: `?prepare=true` answers
/// the claim, the key's holder signs it (here with swift-crypto), and the
/// same fields with `signature` record the entry, signed by the key.
@Suite struct SignedEntryTests {
    /// The fixture's ledger with key `field-lviv` registered and a token of
    /// each role bound to it (the monitor's named after the key).
    final class Signed: @unchecked Sendable {
        let fixture: ServerFixture
        let key = Curve25519.Signing.PrivateKey()
        var bound: [TokenRole: String] = [:]

        init() throws {
            fixture = try ServerFixture()
            let ledger = try Ledger.open(at: fixture.path)
            let recorder = Recorder(actor: "setup")
            let verifier = try NoteVerifierKey(name: "field-lviv", publicKey: key.publicKey)
            _ = try ledger.registerKey(name: "field-lviv", publicKey: verifier, as: recorder)
            for role in TokenRole.allCases {
                let name = role == .monitor ? "field-lviv" : "bound-\(role.rawValue)"
                bound[role] = try ledger.issueToken(TokenInput(name: name, role: role.rawValue, key: "field-lviv"), as: recorder).secret
            }
        }

        func sign(_ claim: [UInt8]) throws -> String {
            try key.signature(for: claim).base64EncodedString()
        }
    }

    func send(_ client: some TestClientProtocol, _ uri: String, token: String?, body: String? = nil,
              type: String = "application/json", method: HTTPRequest.Method = .post) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = type }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    /// The claim a prepare request answered, decoded from base64.
    func claimBytes(_ response: TestResponse) throws -> [UInt8] {
        let text = try #require(try object(response)["claim"] as? String, "\(String(buffer: response.body))")
        return try #require(Data(base64Encoded: text)).map { $0 }
    }

    func pointer(_ response: TestResponse) throws -> String? {
        (try object(response)["errors"] as? [[String: Any]])?.first?["pointer"] as? String
    }

    /// `fields` (a JSON object's members, without braces) with `"signature"` added.
    static func body(_ fields: String, signature: String? = nil) -> String {
        "{" + fields + (signature.map { #","signature":"\#($0)""# } ?? "") + "}"
    }

    static let verification = #""commitment":"UA-release","quantity":7,"observed":"2025-05-27","source":"Lviv field office","sourceKind":"monitor","id":"lviv-0527""#

    /// Prepare, sign, record: the entry is the key's, the audit verifies it,
    /// and a retry of the same signed request is already recorded.
    @Test func monitorSignsAVerification() async throws {
        let signed = try Signed()
        let fixture = signed.fixture
        let (app, service) = try await fixture.application()
        let token = signed.bound[.monitor]
        try await app.test(.router) { client in
            let before = try fixture.journalDigest()
            let prepared = try await send(client, "/v1/verifications?prepare=true", token: token, body: Self.body(Self.verification))
            #expect(prepared.status == .ok, "\(String(buffer: prepared.body))")
            #expect(try fixture.journalDigest() == before, "a prepare wrote")
            let answer = try object(prepared)
            #expect(answer["kind"] as? String == "verification")
            #expect(answer["actor"] as? String == "field-lviv")
            #expect(answer["signer"] as? String == "field-lviv")
            let claimText = try #require(answer["claim"] as? String)
            let bytes = try #require(Data(base64Encoded: claimText)).map { $0 }
            let claim = try Claim(decoding: bytes)
            #expect(claim.kind == .verification && claim.actor == "field-lviv")
            #expect(claim.fields.contains { $0.name == "source" && $0.value == "Lviv field office" })

            let body = Self.body(Self.verification, signature: try signed.sign(bytes))
            let recorded = try await send(client, "/v1/verifications", token: token, body: body)
            #expect(recorded.status == .created, "\(String(buffer: recorded.body))")
            let seq = try #require(try object(recorded)["seq"] as? Int)
            let retry = try await send(client, "/v1/verifications", token: token, body: body)
            #expect(retry.status == .ok)
            #expect(try object(retry)["seq"] as? Int == seq)

            // The journal holds the claim that was prepared, signed by the key.
            var stored: (signer: String?, signature: String?, bytes: String?)
            try Ledger.open(at: fixture.path, readOnly: true).exportJournal { entry in
                guard case .object(let members) = entry, case .int(Int64(seq))? = members.first(where: { $0.0 == "seq" })?.1 else { return }
                func text(_ name: String) -> String? {
                    if case .string(let value)? = members.first(where: { $0.0 == name })?.1 { return value }
                    return nil
                }
                stored = (text("signer"), text("signature"), text("bytes"))
            }
            #expect(stored.signer == "field-lviv")
            let signature = try #require(stored.signature.flatMap { Data(base64Encoded: $0) })
            #expect(signed.key.publicKey.isValidSignature(signature, for: bytes))
        }
        await service.close()
        #expect(try Audit.run(path: fixture.path).outcome == .verified)
    }

    /// A signature that is not the key's over the claim these fields make now
    /// is 422 at `/signature`, and nothing is written.
    /// A signature anyone can read back from the journal records its claim
    /// once: sent again (a retry, or a stolen token with a copied signature)
    /// it answers the entry that holds it and writes nothing.
    @Test func aSignedClaimIsRecordedOnce() async throws {
        let signed = try Signed()
        let (app, service) = try await signed.fixture.application()
        defer { Task { await service.close() } }
        let token = try #require(signed.bound[.monitor])
        let fields = #""commitment":"UA-release","quantity":5,"observed":"2025-05-27","source":"Lviv field office""#
        try await app.test(.router) { client in
            let prepared = try await send(client, "/v1/verifications?prepare=true", token: token, body: Self.body(fields))
            let signature = try signed.sign(try claimBytes(prepared))
            let first = try await send(client, "/v1/verifications", token: token, body: Self.body(fields, signature: signature))
            #expect(first.status == .created, "\(String(buffer: first.body))")
            let seq = try #require(try object(first)["seq"] as? Int)
            let after = try signed.fixture.journalDigest()
            for _ in 0..<2 {
                let again = try await send(client, "/v1/verifications", token: token, body: Self.body(fields, signature: signature))
                #expect(again.status == .ok, "\(String(buffer: again.body))")
                #expect(try object(again)["seq"] as? Int == seq)
                #expect(try object(again)["status"] as? String == "already recorded")
            }
            #expect(try signed.fixture.journalDigest() == after, "nothing written by the copies")
            // A retry of an id already recorded is checked too: "already recorded" never answers a bad signature.
            let identified = fields + #","id":"lviv-once""#
            let preparedWithID = try await send(client, "/v1/verifications?prepare=true", token: token, body: Self.body(identified))
            let good = try await send(client, "/v1/verifications", token: token,
                                      body: Self.body(identified, signature: try signed.sign(try claimBytes(preparedWithID))))
            #expect(good.status == .created, "\(String(buffer: good.body))")
            let zeros = Data(count: 64).base64EncodedString()
            let forged = try await send(client, "/v1/verifications", token: token, body: Self.body(identified, signature: zeros))
            #expect(forged.status == .unprocessableContent, "\(String(buffer: forged.body))")
            #expect(try pointer(forged) == "/signature")
            // The same signature over other fields is still refused.
            let other = #""commitment":"UA-release","quantity":6,"observed":"2025-05-27","source":"Lviv field office""#
            let refused = try await send(client, "/v1/verifications", token: token, body: Self.body(other, signature: signature))
            #expect(refused.status == .unprocessableContent)
            #expect(try pointer(refused) == "/signature")
        }
    }

    @Test func signaturesThatDoNotVerify() async throws {
        let signed = try Signed()
        let fixture = signed.fixture
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let token = signed.bound[.monitor]
        try await app.test(.router) { client in
            let prepared = try await send(client, "/v1/verifications?prepare=true", token: token, body: Self.body(Self.verification))
            let bytes = try claimBytes(prepared)
            let other = Curve25519.Signing.PrivateKey()
            let otherFields = Self.verification.replacingOccurrences(of: #""quantity":7"#, with: #""quantity":8"#)
            let refusals: [(String, String)] = [
                ("random bytes", Self.body(Self.verification, signature: Data((0..<64).map { _ in UInt8.random(in: 0...255) })
                    .base64EncodedString())),
                ("another key's signature", Self.body(Self.verification, signature: try other.signature(for: bytes).base64EncodedString())),
                ("the signature of other fields", Self.body(otherFields, signature: try signed.sign(bytes))),
                ("not base64", Self.body(Self.verification, signature: "not base64!")),
                ("too short", Self.body(Self.verification, signature: Data([1, 2, 3]).base64EncodedString())),
            ]
            for (what, body) in refusals {
                let before = try fixture.journalDigest()
                let response = try await send(client, "/v1/verifications", token: token, body: body)
                #expect(response.status == .unprocessableContent, "\(what): \(String(buffer: response.body))")
                #expect(try pointer(response) == "/signature", "\(what)")
                #expect(try fixture.journalDigest() == before, "\(what) wrote")
            }
        }
    }

    /// The claim depends on the ledger's state, not only on the request: a
    /// corroboration without a confidence takes its record's. Prepared, then
    /// the record's confidence corrected, the signature no longer verifies.
    @Test func aClaimPreparedBeforeTheLedgerChanged() async throws {
        let signed = try Signed()
        let fixture = signed.fixture
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let token = signed.bound[.monitor]
        let corroboration = #""corroborates":"fx-1","source":"Lviv field office","id":"lviv-corroborates-fx-1""#
        try await app.test(.router) { client in
            let prepared = try await send(client, "/v1/corroborations?prepare=true", token: token, body: Self.body(corroboration))
            #expect(prepared.status == .ok, "\(String(buffer: prepared.body))")
            let bytes = try claimBytes(prepared)
            #expect(try Claim(decoding: bytes).fields.contains { $0.name == "confidence" && $0.value == "confirmed" })
            let signature = try signed.sign(bytes)
            let correction = try await send(client, "/v1/corrections", token: fixture.tokens[.reviewer],
                                            body: #"{"entry":"fx-1","reason":"One source only","confidence":"probable"}"#)
            #expect(correction.status == .created, "\(String(buffer: correction.body))")
            let before = try fixture.journalDigest()
            let stale = try await send(client, "/v1/corroborations", token: token, body: Self.body(corroboration, signature: signature))
            #expect(stale.status == .unprocessableContent, "\(String(buffer: stale.body))")
            #expect(try pointer(stale) == "/signature")
            #expect(String(buffer: stale.body).contains("prepare the claim again"))
            #expect(try fixture.journalDigest() == before)
            // Prepared again, it now claims the corrected confidence, and records.
            let again = try await send(client, "/v1/corroborations?prepare=true", token: token, body: Self.body(corroboration))
            let fresh = try claimBytes(again)
            #expect(try Claim(decoding: fresh).fields.contains { $0.name == "confidence" && $0.value == "probable" })
            let recorded = try await send(client, "/v1/corroborations", token: token,
                                          body: Self.body(corroboration, signature: try signed.sign(fresh)))
            #expect(recorded.status == .created, "\(String(buffer: recorded.body))")
        }
    }

    /// What a request must send, by token: a bound token without a
    /// signature, an unbound one with one, a prepare by an unbound token or
    /// with a signature are 422; the routes that cannot take a signature
    /// (import, token issue and revoke) are 403 for a bound token; a revoked
    /// key cannot even prepare. Nothing of it writes.
    @Test func whatEachTokenMustSend() async throws {
        let signed = try Signed()
        let fixture = signed.fixture
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let before = try fixture.journalDigest()
        let bound = signed.bound
        try await app.test(.router) { client in
            for (n, route) in Routes.all.enumerated() where route.method != .get {
                for role in route.roles ?? [] {
                    let sample = SampleRequests.sample(route, 900 + n)
                    let response = try await client.send(route, sample, token: bound[role])
                    if route.path == "/v1/bundles" {
                        // A push bundle's entries carry their own signatures: a bound token may send one
                        // (this server has no --checkpoint-key, so it is refused for that, before anything is applied).
                        #expect(response.status == .conflict, "\(route.method) \(route.path) as bound \(role)")
                        #expect(String(buffer: response.body).contains("urn:accord:problem:unconfigured"))
                    } else if route.path == "/v1/import" || route.path.hasPrefix("/v1/tokens") {
                        #expect(response.status == .forbidden, "\(route.method) \(route.path) as bound \(role)")
                        #expect(String(buffer: response.body).contains("cannot take a signature"))
                    } else {
                        #expect(response.status == .unprocessableContent, "\(route.method) \(route.path) as bound \(role)")
                        #expect(try pointer(response) == "/signature")
                        #expect(String(buffer: response.body).contains("prepare=true"))
                    }
                }
            }
            let fields = Self.body(Self.verification, signature: Data(count: 64).base64EncodedString())
            let unboundSigning = try await send(client, "/v1/verifications", token: fixture.tokens[.monitor], body: fields)
            #expect(unboundSigning.status == .unprocessableContent)
            #expect(try pointer(unboundSigning) == "/signature")
            let unboundPrepare = try await send(client, "/v1/verifications?prepare=true", token: fixture.tokens[.monitor],
                                                body: Self.body(Self.verification))
            #expect(unboundPrepare.status == .unprocessableContent)
            #expect(try pointer(unboundPrepare) == "/prepare")
            let prepareWithSignature = try await send(client, "/v1/verifications?prepare=true", token: bound[.monitor], body: fields)
            #expect(try pointer(prepareWithSignature) == "/signature")
            let prepareImport = try await send(client, "/v1/import?prepare=true", token: fixture.tokens[.monitor],
                                               body: "id,commitment,quantity,observed,source\n", type: "text/csv")
            #expect(prepareImport.status == .unprocessableContent, "prepare is a recording route's parameter only")
            #expect(try pointer(prepareImport) == "/prepare")
        }
        #expect(try fixture.journalDigest() == before)

        _ = try Ledger.open(at: fixture.path).revokeKey(name: "field-lviv", reason: "lost", as: Recorder(actor: "setup"))
        let revokedAt = try fixture.journalDigest()
        try await app.test(.router) { client in
            let prepared = try await send(client, "/v1/verifications?prepare=true", token: bound[.monitor],
                                          body: Self.body(Self.verification))
            #expect(prepared.status == .forbidden, "\(String(buffer: prepared.body))")
            #expect(String(buffer: prepared.body).contains("revoked"))
        }
        #expect(try fixture.journalDigest() == revokedAt)
    }

    /// Over loopback, signed by `accord key sign-claim` as a script would:
    /// it says what it signs, refuses what is not a claim, and its signature
    /// records the entry; the audit verifies the ledger.
    @Test func signClaimOverLoopback() async throws {
        let signed = try Signed()
        let fixture = signed.fixture
        let keyFile = fixture.directory.path("field-lviv.key")
        try (try NoteSigningKey(name: "field-lviv", privateKey: signed.key).text + "\n")
            .write(toFile: keyFile, atomically: true, encoding: .utf8)
        let server = try LiveServer(db: fixture.path, directory: fixture.directory)
        let session = URLSession(configuration: .ephemeral)
        let token = try #require(signed.bound[.monitor])
        let prepared = try #require(await server.post("/v1/verifications?prepare=true", Self.body(Self.verification),
                                                      token: token, session: session))
        #expect(prepared.status == 200, "\(prepared.body)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(prepared.body.utf8)) as? [String: Any])
        let claim = try #require(answer["claim"] as? String)

        let signing = try LiveServer.accord(["key", "sign-claim", "--key", keyFile, "--claim", claim])
        #expect(signing.status == 0, "\(signing.stderr)")
        #expect(signing.stderr.contains("a verification claim, as actor field-lviv"), "\(signing.stderr)")
        #expect(signing.stderr.contains("  source.name: Lviv field office\n"), "\(signing.stderr)")
        #expect(signing.stderr.contains("  externalID: lviv-0527\n"), "every field is shown, ids too: \(signing.stderr)")
        let signature = signing.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let recorded = await server.post("/v1/verifications", Self.body(Self.verification, signature: signature), token: token,
                                         session: session)
        #expect(recorded?.status == 201, "\(String(describing: recorded))")

        let longer = try #require(Data(base64Encoded: claim)) + Data([0, 0, 0])
        for (what, text, says) in [("not base64", "%%%", "not base64"),
                                   ("an entry's bytes", Data([2, 0, 0, 1]).base64EncodedString(), "not an Accord claim"),
                                   ("a claim with bytes after it", longer.base64EncodedString(), "trailing bytes")] {
            let refused = try LiveServer.accord(["key", "sign-claim", "--key", keyFile, "--claim", text])
            #expect(refused.status == 65, "\(what): \(refused.stderr)")
            #expect(refused.stderr.hasPrefix("Error: --claim: ") && refused.stderr.contains(says), "\(what): \(refused.stderr)")
            #expect(refused.stdout.isEmpty)
        }
        // A claim no recording route prepares (the key's registration) is not signed.
        let ledger = try Ledger.open(at: fixture.path, readOnly: true)
        let head = try ledger.consistencyProof(oldSize: 1).newSize
        let registration = try #require(try (1...head).lazy.compactMap { try Ledger.entry($0, in: ledger.database) }
            .first { $0.kind == .keyRegister })
        let keyClaim = Data(registration.signedBytes()).base64EncodedString()
        let refused = try LiveServer.accord(["key", "sign-claim", "--key", keyFile, "--claim", keyClaim])
        #expect(refused.status == 65 && refused.stderr.contains("no recording route"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)

        server.signal(SIGTERM)
        #expect(server.wait() == 0)
        let audit = try LiveServer.accord(["--db", fixture.path, "audit"])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
    }
}
