import AccordLedger
import AccordPresentation
import AccordServer
import AccordTrust
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The findings of the attacker/new-user review of the server, each as the
/// request that showed it.
@Suite struct ReviewFixTests {
    func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?,
              body: String? = nil, type: String = "application/json", headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = type }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    func problem(_ response: TestResponse) throws -> [String: Any] {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    func pointer(_ response: TestResponse) throws -> String? {
        (try problem(response)["errors"] as? [[String: Any]])?.first?["pointer"] as? String
    }

    // MARK: 1. A monitor's import may not record definitions, however the body spells the kind

    @Test func monitorImportOfDefinitionsIsRefusedHoweverSpelled() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let monitor = fixture.tokens[.monitor]
        let before = try fixture.journalDigest()
        let bodies: [(String, String, String)] = [
            ("NBSP before the value", "text/csv", "kind,id,name\n\u{00A0}party,X1,Evil\n"),
            ("NBSP in the header", "text/csv", "\u{00A0}kind,id,name\nparty,X2,Evil\n"),
            ("semicolons", "text/csv", "kind;id;name\nparty;X3;Evil\n"),
            ("tabs", "text/csv", "kind\tid\tname\nparty\tX4\tEvil\n"),
            ("quoted value with a newline", "text/csv", "kind,id,name\n\"party\n\",X5,Evil\n"),
            ("JSONL NBSP", "application/x-ndjson", "{\"kind\":\"\\u00a0party\",\"id\":\"X6\",\"name\":\"Evil\"}\n"),
            ("a guarantee after good rows, keepGoing", "text/csv",
             "kind,id,commitment,quantity,observed,source,guarantor,covers,consequence\n"
             + "verification,ok-1,UA-release,1,2025-05-28,ICRC,,,\nguarantee,X7,,,,,US,UA-release,Sanctions\n"),
        ]
        try await app.test(.router) { client in
            for (name, type, body) in bodies {
                let uri = name.contains("keepGoing") ? "/v1/import?keepGoing=true" : "/v1/import"
                let response = try await send(client, .post, uri, token: monitor, body: body, type: type)
                #expect(response.status == .forbidden, "\(name): \(String(buffer: response.body))")
                if response.status == .forbidden {
                    #expect(try problem(response)["type"] as? String == "urn:accord:problem:forbidden")
                }
            }
            // Evidence rows still import for a monitor.
            let evidence = try await send(client, .post, "/v1/import", token: monitor,
                                          body: "kind,id,commitment,quantity,observed,source\nverification,ev-1,UA-release,1,2025-05-28,ICRC\n",
                                          type: "text/csv")
            #expect(evidence.status == .created)
        }
        let ledger = try Ledger.open(at: fixture.path, readOnly: true)
        let after = try ledger.consistencyProof(oldSize: 1).newSize
        #expect(after == Int64(before.split(separator: " ")[0])! + 1, "only the evidence row was recorded")
    }

    @Test func importerRefusesKindsNotAllowed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("l.sqlite")
        let ledger = try Demo.create(at: path, force: false, as: Recorder(actor: "setup"))
        let file = directory.path("rows.csv")
        try "kind;id;name\n\u{3000}PARTY ;X1;Evil\n".write(toFile: file, atomically: true, encoding: .utf8)
        var options = ImportOptions()
        options.allowedKinds = [.verification, .breach, .corroboration]
        options.keepGoing = true
        let size = try ledger.consistencyProof(oldSize: 1).newSize
        #expect(throws: ImportKindRefused.self) { try ledger.importFile(file, options: options, as: Recorder(actor: "m")) }
        #expect(try ledger.consistencyProof(oldSize: 1).newSize == size)
        options.allowedKinds = nil
        #expect(try ledger.importFile(file, options: options, as: Recorder(actor: "a")).added == 1)
    }

    // MARK: 2. A token bound to a key writes nothing unsigned (SignedEntryTests)

    // MARK: 3. Ids in URL paths are percent-decoded

    @Test func pathParametersArePercentDecoded() async throws {
        let fixture = try ServerFixture()
        let ledger = try Ledger.open(at: fixture.path)
        var input = VerificationInput(commitment: "UA-release", observed: "2025-05-27", source: SourceInput(name: "ICRC"))
        input.quantity = "1"
        input.externalID = "ua/kyiv:1"  // ids may hold / and :, which a URL must encode
        _ = try ledger.log(input, as: Recorder(actor: "setup"))
        _ = try ledger.issueToken(TokenInput(name: "field.team-2", role: "viewer"), as: Recorder(actor: "setup"))
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let auditor = fixture.tokens[.auditor]
        try await app.test(.router) { client in
            #expect(try await send(client, .get, "/v1/commitments/UA%2Drelease", token: auditor).status == .ok)
            #expect(try await send(client, .get, "/v1/history/fx%2D1", token: auditor).status == .ok)
            #expect(try await send(client, .get, "/v1/history/ua%2Fkyiv%3A1", token: auditor).status == .ok)
            // A non-ASCII id is decoded and named in the 404, not mangled.
            let missing = try await send(client, .get, "/v1/commitments/%C5%A1kola", token: auditor)
            #expect(missing.status == .notFound)
            let detail = (try problem(missing)["detail"] as? String) ?? ""
            #expect(detail.contains("\u{0161}kola") || detail.contains("\\u{161}kola"), "\(detail)")
            let bad = try await send(client, .get, "/v1/history/kyiv-%C5-1", token: auditor)
            #expect(bad.status == .badRequest)
            #expect(try problem(bad)["type"] as? String == "urn:accord:problem:malformed")
            let revoked = try await send(client, .delete, "/v1/tokens/field%2Eteam%2D2", token: fixture.tokens[.admin])
            #expect(revoked.status == .created, "\(String(buffer: revoked.body))")
        }
    }

    // MARK: 5, 6. Query parameters: known ones only, once each, well-formed; the access log keeps only those

    @Test func unknownRepeatedAndMalformedQueryParametersAreRefused() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let auditor = fixture.tokens[.auditor]
        let before = try fixture.journalDigest()
        try await app.test(.router) { client in
            let cases: [(String, String)] = [
                ("/v1/report?prty=UA", "/prty"),
                ("/v1/access-log?limit=abc", "/limit"),
                ("/v1/report?at=2025-06-10&at=2025-06-11", "/at"),
                ("/v1/export/verifications?format=csv&access_token=\(auditor ?? "")", "/access_token"),
                ("/v1/checkpoint?x=1", "/x"),
                ("/v1/proofs/inclusion?size=3", "/seq"),
                ("/v1/proofs/consistency?new=3", "/old"),
            ]
            for (uri, expected) in cases {
                let response = try await send(client, .get, uri, token: auditor)
                #expect(response.status == .unprocessableContent, "\(uri): \(String(buffer: response.body))")
                #expect(try pointer(response) == expected, "\(uri)")
            }
            let badImportFlag = try await send(client, .post, "/v1/import?keepGoing=yes", token: fixture.tokens[.monitor],
                                               body: "id,commitment,quantity,observed,source\nq-1,UA-release,1,2025-05-28,ICRC\n",
                                               type: "text/csv")
            #expect(badImportFlag.status == .unprocessableContent)
            let badEncoding = try await send(client, .get, "/v1/report?party=%ZZ", token: auditor)
            #expect(badEncoding.status == .badRequest)
            // The good ones still work, and the access log keeps only the known parameters.
            #expect(try await send(client, .get, "/v1/export/verifications?format=ndjson", token: auditor).status == .ok)
            let log = try await send(client, .get, "/v1/access-log?limit=10", token: auditor)
            #expect(log.status == .ok)
            let text = String(buffer: log.body)
            #expect(!text.contains(auditor ?? "-"), "a token reached the access log: \(text)")
            #expect(!text.contains("access_token"))
            #expect(text.contains("format=ndjson"))
        }
        #expect(try fixture.journalDigest() == before)
    }

    // MARK: 4. SIGTERM closes the ledger: the main file alone holds every acknowledged entry

    @Test func sigtermLeavesNoWAL() async throws {
        let fixture = try ServerFixture()
        let token = try #require(fixture.tokens[.monitor])
        let server = try LiveServer(db: fixture.path, directory: fixture.directory)
        let session = URLSession(configuration: .ephemeral)
        var acknowledged: [Int64] = []
        for index in 0..<20 {
            let body = #"{"commitment":"UA-release","quantity":1,"observed":"2025-05-26","source":"Field","id":"w-\#(index)"}"#
            if let answer = await server.post("/v1/verifications", body, token: token, session: session),
               answer.status == 201, let seq = answer.seq {
                acknowledged.append(seq)
            }
        }
        #expect(acknowledged.count == 20)
        server.signal(SIGTERM)
        #expect(server.wait() == 0, "\(server.log)")
        let wal = (try? FileManager.default.attributesOfItem(atPath: fixture.path + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0, "the -wal file still holds \(wal) bytes")
        let copy = fixture.directory.path("copy.sqlite")
        try FileManager.default.copyItem(atPath: fixture.path, toPath: copy)
        let ledger = try Ledger.open(at: copy, readOnly: true)
        let newest = try #require(acknowledged.max())
        #expect(try ledger.consistencyProof(oldSize: 1).newSize >= newest)
        #expect(try Audit.run(path: copy).outcome == .verified)
    }

    // MARK: 7. Retries without an id: Idempotency-Key, and an idempotent DELETE

    @Test func idempotencyKeyMakesRetriesHarmless() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let reviewer = fixture.tokens[.reviewer]
        let key: HTTPFields = [HTTPFields.Element.Name("Idempotency-Key")!: "3f1c-dispute-1"]
        let dispute = #"{"entry":"fx-3","by":"RU","reason":"Denied"}"#
        try await app.test(.router) { client in
            let first = try await send(client, .post, "/v1/disputes", token: reviewer, body: dispute, headers: key)
            #expect(first.status == .created, "\(String(buffer: first.body))")
            let size = try fixture.journalDigest()
            let retry = try await send(client, .post, "/v1/disputes", token: reviewer, body: dispute, headers: key)
            #expect(retry.status == .ok, "\(String(buffer: retry.body))")
            let original = try #require(try JSONSerialization.jsonObject(with: Data(buffer: first.body)) as? [String: Any])
            let repeated = try #require(try JSONSerialization.jsonObject(with: Data(buffer: retry.body)) as? [String: Any])
            #expect(repeated["seq"] as? Int == original["seq"] as? Int)
            #expect(repeated["leafHash"] as? String == original["leafHash"] as? String)
            #expect(repeated["status"] as? String == "already recorded")
            #expect(try fixture.journalDigest() == size, "the retry recorded again")
            // The same key with other content: 409, nothing written.
            let other = try await send(client, .post, "/v1/disputes", token: reviewer,
                                       body: #"{"entry":"fx-3","by":"RU","reason":"Denied again"}"#, headers: key)
            #expect(other.status == .conflict)
            #expect((try problem(other)["existing"] as? [String: Any])?["seq"] as? Int == original["seq"] as? Int)
            // The same key on another route is another request too.
            let elsewhere = try await send(client, .post, "/v1/retractions", token: reviewer,
                                           body: #"{"entry":"fx-2","reason":"Withdrawn"}"#, headers: key)
            #expect(elsewhere.status == .conflict)
            #expect(try fixture.journalDigest() == size)
            // A retraction retried with a key answers its receipt, not "already retracted".
            let retractKey: HTTPFields = [HTTPFields.Element.Name("Idempotency-Key")!: "retract-fx-2"]
            let retraction = #"{"entry":"fx-2","reason":"Withdrawn by the source"}"#
            #expect(try await send(client, .post, "/v1/retractions", token: reviewer, body: retraction, headers: retractKey).status
                    == .created)
            #expect(try await send(client, .post, "/v1/retractions", token: reviewer, body: retraction, headers: retractKey).status
                    == .ok)
            let badKey = try await send(client, .post, "/v1/disputes", token: reviewer, body: dispute,
                                        headers: [HTTPFields.Element.Name("Idempotency-Key")!: "has space"])
            #expect(badKey.status == .badRequest)
            // DELETE of a revoked token: 200 with the revocation's receipt.
            let admin = fixture.tokens[.admin]
            let revoked = try await send(client, .delete, "/v1/tokens/victim-1", token: admin)
            #expect(revoked.status == .created)
            let again = try await send(client, .delete, "/v1/tokens/victim-1", token: admin)
            #expect(again.status == .ok, "\(String(buffer: again.body))")
            let revocation = try #require(try JSONSerialization.jsonObject(with: Data(buffer: revoked.body)) as? [String: Any])
            let second = try #require(try JSONSerialization.jsonObject(with: Data(buffer: again.body)) as? [String: Any])
            #expect(second["seq"] as? Int == revocation["seq"] as? Int)
            #expect(second["status"] as? String == "already recorded")
        }
    }

    /// An idempotency key outlives the server: it is kept in the ledger.
    @Test func idempotencyKeySurvivesARestart() async throws {
        let fixture = try ServerFixture()
        let reviewer = fixture.tokens[.reviewer]
        let key: HTTPFields = [HTTPFields.Element.Name("Idempotency-Key")!: "adjudicate-fx-4"]
        let body = #"{"entry":"fx-4","ruling":"upheld","reason":"Two sources"}"#
        do {
            let (app, service) = try await fixture.application()
            try await app.test(.router) { client in
                let response = try await send(client, .post, "/v1/adjudications", token: reviewer, body: body, headers: key)
                #expect(response.status == .created)
            }
            await service.close()
        }
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        try await app.test(.router) { client in
            let response = try await send(client, .post, "/v1/adjudications", token: reviewer, body: body, headers: key)
                #expect(response.status == .ok)
        }
        #expect(try Audit.run(path: fixture.path).outcome == .verified)
    }

    // MARK: 8. GeoJSON exports

    @Test func exportsGeoJSON() async throws {
        let fixture = try ServerFixture()
        let ledger = try Ledger.open(at: fixture.path)
        var input = VerificationInput(commitment: "UA-release", observed: "2025-05-27", source: SourceInput(name: "ICRC"))
        input.quantity = "1"
        input.externalID = "located-1"
        input.location = LocationInput(place: "Kyiv", lat: "50.45", lon: "30.52", precision: "exact")
        _ = try ledger.log(input, as: Recorder(actor: "setup"))
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        try await app.test(.router) { client in
            let response = try await send(client, .get, "/v1/export/verifications?format=geojson", token: fixture.tokens[.auditor])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/geo+json")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(object["type"] as? String == "FeatureCollection")
            let features = try #require(object["features"] as? [[String: Any]])
            #expect(features.count == 1)
            #expect((features.first?["geometry"] as? [String: Any])?["coordinates"] as? [Double] == [30.52, 50.45])
            let parties = try await send(client, .get, "/v1/export/parties?format=geojson", token: fixture.tokens[.auditor])
            #expect(parties.status == .unprocessableContent)
            #expect(try pointer(parties) == "/format")
        }
    }

    // MARK: Low: 405 with Allow, a lowercase scheme, no-store, nosniff and CSP, loopback by address

    @Test func smallerHTTPFindings() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        try await app.test(.router) { client in
            let wrong = try await send(client, .put, "/v1/verifications", token: fixture.tokens[.monitor], body: "{}")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "POST")
            #expect(try problem(wrong)["type"] as? String == "urn:accord:problem:method-not-allowed")
            let tokens = try await send(client, .get, "/v1/tokens/victim-2", token: fixture.tokens[.admin])
            #expect(tokens.status == .methodNotAllowed)
            #expect(tokens.headers[.allow] == "DELETE")
            #expect(try await send(client, .get, "/v1/nothing", token: nil).status == .notFound)

            // Proof errors point at the query parameter at fault.
            let auditor = fixture.tokens[.auditor]
            #expect(try pointer(try await send(client, .get, "/v1/proofs/inclusion?seq=999999", token: auditor)) == "/seq")
            #expect(try pointer(try await send(client, .get, "/v1/proofs/inclusion?seq=1&size=999999", token: auditor)) == "/size")
            #expect(try pointer(try await send(client, .get, "/v1/proofs/consistency?old=999999", token: auditor)) == "/old")
            #expect(try pointer(try await send(client, .get, "/v1/proofs/consistency?old=1&new=999999", token: auditor)) == "/new")

            let lower = try await client.execute(uri: "/v1/report?at=2025-06-10", method: .get,
                                                 headers: [.authorization: "bearer \(fixture.tokens[.viewer] ?? "")"])
            #expect(lower.status == .ok)

            let issued = try await send(client, .post, "/v1/tokens", token: fixture.tokens[.admin], body: #"{"name":"n-1","role":"viewer"}"#)
            #expect(issued.status == .created)
            #expect(issued.headers[.cacheControl] == "no-store")
            let past = try await send(client, .post, "/v1/tokens", token: fixture.tokens[.admin],
                                      body: #"{"name":"n-2","role":"viewer","expires":"2020-01-01"}"#)
            #expect(past.status == .unprocessableContent)
            #expect(try pointer(past) == "/expires")

            let brief = try await send(client, .get, "/v1/brief?format=html&at=2025-06-10", token: fixture.tokens[.viewer])
            #expect(brief.status == .ok)
            #expect(brief.headers[HTTPFields.Element.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(brief.headers[HTTPFields.Element.Name("Content-Security-Policy")!]?.contains("default-src 'none'") == true)
        }
        for (host, loopback) in [("127.0.0.1", true), ("127.1.2.3", true), ("::1", true), ("localhost", true),
                                 ("127.example.org", false), ("0.0.0.0", false), ("::", false), ("10.0.0.1", false),
                                 ("::ffff:127.0.0.1", false), ("example.org", false)] {
            var configuration = ServerConfiguration(database: "x")
            configuration.host = host
            #expect(configuration.isLoopback == loopback, "\(host)")
        }
    }
}
