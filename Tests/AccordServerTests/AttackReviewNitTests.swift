import AccordLedger
import AccordServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The small findings of the second review (finding 8): each as the request
/// or command that showed it.
@Suite struct AttackReviewNitTests {
    let review = AttackReviewTests()

    @Test func aConflictNamesTheRequestThatCorrects() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        try await app.test(.router) { client in
            let body = #"{"commitment":"UA-release","quantity":7,"observed":"2025-05-26","source":"Fixture 1","sourceKind":"monitor","id":"fx-1"}"#
            let response = try await review.send(client, .post, "/v1/verifications", token: fixture.tokens[.monitor], body: body)
            #expect(response.status == .conflict)
            let detail = try #require(try review.json(response)["detail"] as? String)
            #expect(detail.contains("POST /v1/corrections with entry fx-1"), "\(detail)")
            #expect(!detail.contains(", ;"), "\(detail)")
        }
    }

    /// The last valid admin token is never revoked over the API, not even by
    /// two admins revoking each other at once (the check is made in the
    /// revocation's own transaction): one of the two is refused with 409.
    @Test func twoAdminsCannotRevokeEachOther() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let admin = try #require(fixture.tokens[.admin])
        try await app.test(.router) { client in
            let alone = try await review.send(client, .delete, "/v1/tokens/admin-1", token: admin)
            #expect(alone.status == .conflict, "\(String(buffer: alone.body))")
            #expect(try review.json(alone)["detail"] as? String ?? "" == "name: token admin-1 is the last valid admin token: "
                    + "revoking it through the server would leave no one to issue tokens; issue another admin token first, or "
                    + "revoke it on the ledger file itself")
            for round in 1...4 {
                let issued = try await review.send(client, .post, "/v1/tokens", token: admin,
                                                   body: #"{"name":"admin-r\#(round)","role":"admin"}"#)
                #expect(issued.status == .created, "\(String(buffer: issued.body))")
                let other = try #require(try review.json(issued)["token"] as? String)
                async let first = review.send(client, .delete, "/v1/tokens/admin-r\(round)", token: admin)
                async let second = review.send(client, .delete, "/v1/tokens/admin-1", token: other)
                let statuses = [try await first.status, try await second.status].map(\.code).sorted()
                #expect(statuses == [201, 409] || statuses == [201, 401], "round \(round): \(statuses)")
                if statuses[0] == 201 && statuses[1] == 201 { break }
                let valid = try Ledger.open(at: fixture.path).tokens().filter { $0.role == .admin && $0.revokedSeq == nil }
                #expect(valid.count == 1, "round \(round): \(valid.map(\.name))")
                // The admin left standing is the one the next round starts from.
                if valid.first?.name != "admin-1" { return }
            }
        }
    }

    @Test func anUnknownIDPointsAtTheFieldOrParameter() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let before = try fixture.journalDigest()
        try await app.test(.router) { client in
            let corroboration = try await review.send(client, .post, "/v1/corroborations", token: fixture.tokens[.monitor],
                                                      body: #"{"corroborates":"no-such","source":"S"}"#)
            #expect(corroboration.status == .notFound)
            #expect(try review.pointer(corroboration) == "/corroborates")
            let guarantee = try await review.send(client, .post, "/v1/commitments", token: fixture.tokens[.admin],
                                                  body: #"{"id":"C-x","agreement":"istanbul-2025","party":"UA","action":true,"dependsOn":["UA-release","nope"]}"#)
            #expect(guarantee.status == .notFound, "\(String(buffer: guarantee.body))")
            #expect(try review.pointer(guarantee) == "/dependsOn/1")
            let list = try await review.send(client, .get, "/v1/commitments?party=NOPE", token: fixture.tokens[.admin])
            #expect(list.status == .notFound)
            #expect(try review.json(list)["parameter"] as? String == "party")
            #expect(try review.pointer(list) == "/party")
        }
        #expect(try fixture.journalDigest() == before)
    }

    @Test func onlyJSONMediaTypesAreJSON() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let before = try fixture.journalDigest()
        try await app.test(.router) { client in
            let body = #"{"id":"P-x","name":"Party x"}"#
            let plain = try await review.send(client, .post, "/v1/parties", token: fixture.tokens[.admin], body: body,
                                              type: "text/plain+json")
            #expect(plain.status == .unsupportedMediaType)
        }
        #expect(try fixture.journalDigest() == before)
    }

    @Test func theLastAdminTokenIsNotRevokedOverTheAPI() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let before = try fixture.journalDigest()
        try await app.test(.router) { client in
            let response = try await review.send(client, .delete, "/v1/tokens/admin-1", token: fixture.tokens[.admin])
            #expect(response.status == .conflict)
            #expect(try review.json(response)["detail"] as? String ?? "" ~= "issue another admin token first")
        }
        #expect(try fixture.journalDigest() == before)
    }

    @Test func anAmendmentSubjectTakesAnAn() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        try await app.test(.router) { client in
            let response = try await review.send(client, .post, "/v1/amendments", token: fixture.tokens[.admin],
                                                 body: #"{"subject":"planet","id":"UA","effective":"2025-06-01","reason":"x"}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try review.json(response)["detail"] as? String ?? "" ~= "is not an amendment subject")
        }
    }

    @Test func requestsWithoutAValidTokenAreRateLimitedByAddress() async throws {
        let fixture = try ServerFixture()
        let service = try EngineAdapter(path: fixture.path)
        defer { Task { await service.close() } }
        var configuration = ServerConfiguration(database: fixture.path)
        configuration.limits.rate = 0.01  // slow enough that no request earns a new one under a loaded test run
        configuration.limits.burst = 3
        let app = try await AccordServer.application(service: service, configuration: configuration, logger: ServerFixture.logger)
        try await app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                statuses.append(try await review.send(client, .get, "/v1/report", token: "accord_guessed").status)
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == .unauthorized })
            #expect(statuses.last == .tooManyRequests)
        }
    }

    @Test func serveRefusesNonsenseLimits() throws {
        let directory = try TemporaryDirectory()
        for arguments in [["--max-body", "0"], ["--rate-limit", "nan"], ["--log-level", "bogus"], ["--idle-timeout", "0"]] {
            let outcome = try LiveServer.run([LiveServer.binary, "--db", directory.path("none.sqlite")] + arguments)
            #expect(outcome.status == 64, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(arguments[0]), "\(outcome.stderr)")
        }
    }
}

private func ~= (text: String, part: String) -> Bool { text.contains(part) }
