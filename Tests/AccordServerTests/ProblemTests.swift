import AccordLedger
import AccordServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Refusals as RFC 9457 problems: each status, its type, and the field at fault.
@Suite struct ProblemTests {
    static let verifications = Route(method: .post, path: "/v1/verifications", roles: nil)

    func problem(_ response: TestResponse) throws -> [String: Any] {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    func post(_ client: some TestClientProtocol, _ body: String, token: String?, type: String = "application/json",
              path: String = "/v1/verifications") async throws -> TestResponse {
        try await client.send(Route(method: .post, path: path, roles: nil),
                              SampleRequests.Sample(uri: path, body: body, contentType: type), token: token)
    }

    @Test func statusesAndPointers() async throws {
        let fixture = try ServerFixture()
        var limits = ServerLimits()
        limits.maxBodyBytes = 2_000
        let (app, service) = try await fixture.application(limits: limits)
        defer { Task { await service.close() } }
        let monitor = fixture.tokens[.monitor]
        try await app.test(.router) { client in
            let good = #"{"commitment":"UA-release","quantity":5,"observed":"2025-05-27","source":"ICRC","id":"same"}"#
            let first = try await post(client, good, token: monitor)
            #expect(first.status == .created)
            let retry = try await post(client, good, token: monitor)
            #expect(retry.status == .ok)
            #expect(String(buffer: retry.body).contains(#""status":"already recorded""#))
            #expect(String(buffer: retry.body).replacingOccurrences(of: "already recorded", with: "")
                    .contains(String(buffer: first.body).components(separatedBy: #""treeSize""#)[0].dropLast(1).dropFirst(1)))

            let conflict = try await post(client, good.replacingOccurrences(of: #""quantity":5"#, with: #""quantity":6"#), token: monitor)
            #expect(conflict.status == .conflict)
            let conflictBody = try problem(conflict)
            #expect(conflictBody["type"] as? String == "urn:accord:problem:conflict")
            let existing = try #require(conflictBody["existing"] as? [String: Any])
            #expect(existing["seq"] != nil && existing["history"] != nil)

            let invalid = try await post(client, #"{"commitment":"UA-release","quantity":"-5","observed":"2025-05-27","source":"ICRC"}"#,
                                         token: monitor)
            #expect(invalid.status == .unprocessableContent)
            let errors = try #require(try problem(invalid)["errors"] as? [[String: Any]])
            #expect(errors.first?["pointer"] as? String == "/quantity")

            let date = try await post(client, #"{"commitment":"UA-release","quantity":1,"observed":"2025-02-30","source":"ICRC"}"#,
                                      token: monitor)
            #expect((try problem(date)["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/observed")

            let missing = try await post(client, #"{"commitment":"UA-release","quantity":1,"source":"ICRC"}"#, token: monitor)
            #expect((try problem(missing)["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/observed")

            let unknown = try await post(client, #"{"commitment":"UA-release","actor":"someone-else"}"#, token: monitor)
            #expect(unknown.status == .unprocessableContent)
            #expect((try problem(unknown)["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/actor")

            let malformed = try await post(client, #"{"commitment": "#, token: monitor)
            #expect(malformed.status == .badRequest)
            #expect(try problem(malformed)["type"] as? String == "urn:accord:problem:malformed")

            let notObject = try await post(client, "[1, 2]", token: monitor)
            #expect(notObject.status == .badRequest)

            let large = try await post(client, "{\"note\":\"" + String(repeating: "x", count: 5_000) + "\"}", token: monitor)
            #expect(large.status == .contentTooLarge)
            #expect(try problem(large)["type"] as? String == "urn:accord:problem:too-large")

            let media = try await post(client, good, token: monitor, type: "text/plain")
            #expect(media.status == .unsupportedMediaType)

            let notFound = try await client.send(Route(method: .get, path: "/v1/commitments/{id}", roles: nil),
                                                 SampleRequests.Sample(uri: "/v1/commitments/nope"), token: fixture.tokens[.auditor])
            #expect(notFound.status == .notFound)
            #expect(try problem(notFound)["type"] as? String == "urn:accord:problem:not-found")

            let badQuery = try await client.send(Route(method: .get, path: "/v1/report", roles: nil),
                                                 SampleRequests.Sample(uri: "/v1/report?at=someday"), token: fixture.tokens[.viewer])
            #expect(badQuery.status == .unprocessableContent)
            #expect((try problem(badQuery)["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/at")

            let noRoute = try await client.send(Route(method: .get, path: "/v1/nothing", roles: nil),
                                                SampleRequests.Sample(uri: "/v1/nothing"), token: nil)
            #expect(noRoute.status == .notFound)
        }
    }

    /// A monitor's import of definition rows is refused, and writes nothing.
    @Test func monitorImportsEvidenceOnly() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        try await app.test(.router) { client in
            let before = try fixture.journalDigest()
            let csv = "kind,id,name\nparty,XX,Someone\n"
            let refused = try await post(client, csv, token: fixture.tokens[.monitor], type: "text/csv", path: "/v1/import")
            #expect(refused.status == .forbidden)
            #expect(try fixture.journalDigest() == before)
            let jsonl = #"{"kind":"commitment","id":"C9","agreement":"istanbul-2025","party":"UA","commitment_kind":"action"}"# + "\n"
            let refusedJSONL = try await post(client, jsonl, token: fixture.tokens[.monitor], type: "application/x-ndjson",
                                              path: "/v1/import")
            #expect(refusedJSONL.status == .forbidden)
            let admin = try await post(client, csv, token: fixture.tokens[.admin], type: "text/csv", path: "/v1/import")
            #expect(admin.status == .created, "\(String(buffer: admin.body))")
            let bad = try await post(client, "commitment,quantity,observed,source\nUA-release,12,2025-13-01,ICRC\n",
                                     token: fixture.tokens[.monitor], type: "text/csv", path: "/v1/import")
            #expect(bad.status == .unprocessableContent)
            #expect(String(buffer: bad.body).contains("observed"))
            // A good row and a bad one: nothing imported, so the summary adds nothing (it said "added":1 before).
            let before422 = try fixture.journalDigest()
            let mixed = try await post(client, "commitment,quantity,observed,source\nUA-release,12,2025-06-01,ICRC\nRU-relase,1,2025-06-01,ICRC\n",
                                       token: fixture.tokens[.monitor], type: "text/csv", path: "/v1/import")
            #expect(mixed.status == .unprocessableContent)
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(buffer: mixed.body)) as? [String: Any])
            let summary = try #require(problem["import"] as? [String: Any])
            #expect(summary["added"] as? Int == 0 && summary["rejected"] as? Int == 1 && summary["rows"] as? Int == 2, "\(summary)")
            #expect(summary["firstSeq"] is NSNull && summary["lastSeq"] is NSNull, "\(summary)")
            #expect(try fixture.journalDigest() == before422)
        }
    }

    /// Past its rate, a token gets 429 with Retry-After; other tokens are not slowed.
    @Test func rateLimit() async throws {
        let fixture = try ServerFixture()
        let service = try EngineAdapter(path: fixture.path)
        defer { Task { await service.close() } }
        var configuration = ServerConfiguration(database: fixture.path)
        // One request in about eleven days: a slow, loaded machine cannot refill the bucket mid-test.
        configuration.limits.rate = 0.000_001
        configuration.limits.burst = 3
        let app = try await AccordServer.application(service: service, configuration: configuration, logger: ServerFixture.logger)
        try await app.test(.router) { client in
            let route = Route(method: .get, path: "/v1/report", roles: nil)
            let sample = SampleRequests.Sample(uri: "/v1/report?at=2025-06-10")
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 { statuses.append(try await client.send(route, sample, token: fixture.tokens[.viewer]).status) }
            #expect(statuses.allSatisfy { $0 == .ok })
            let limited = try await client.send(route, sample, token: fixture.tokens[.viewer])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(try await client.send(route, sample, token: fixture.tokens[.auditor]).status == .ok)
        }
    }

    /// Exports, the journal and briefs are in the access log with who, what and how many rows.
    @Test func accessLog() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        try await app.test(.router) { client in
            let auditor = fixture.tokens[.auditor]
            for uri in ["/v1/export/breaches?format=json", "/v1/journal", "/v1/brief?format=html&at=2025-06-10"] {
                let path = String(uri.split(separator: "?")[0])
                let response = try await client.send(Route(method: .get, path: path, roles: nil),
                                                     SampleRequests.Sample(uri: uri), token: auditor)
                #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
            }
            let log = try await client.send(Route(method: .get, path: "/v1/access-log", roles: nil),
                                            SampleRequests.Sample(uri: "/v1/access-log"), token: fixture.tokens[.admin])
            let records = try #require(try JSONSerialization.jsonObject(with: Data(buffer: log.body)) as? [[String: Any]])
            #expect(records.map { $0["route"] as? String } == ["/v1/export/breaches", "/v1/journal", "/v1/brief"])
            #expect(records.allSatisfy { $0["actor"] as? String == "auditor-1" && ($0["rows"] as? Int ?? 0) > 0 })
            let onFile = try Ledger.open(at: fixture.path, readOnly: true).accessLog()
            #expect(onFile.count == 3)
        }
    }
}
