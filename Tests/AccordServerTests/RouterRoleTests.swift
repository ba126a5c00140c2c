import AccordLedger
import AccordServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route × every role, through the router: the allowed roles succeed,
/// every other role gets 403, no token gets 401, and a refused request
/// writes nothing (the journal's size and root are unchanged).
@Suite struct RouterRoleTests {
    @Test(arguments: Routes.all)
    func routeByRole(_ route: Route) async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        try await app.test(.router) { client in
            var n = 0
            let before = try fixture.journalDigest()
            let anonymous = try await client.send(route, SampleRequests.sample(route, 1), token: nil)
            if let roles = route.roles {
                #expect(anonymous.status == .unauthorized, "\(route.method) \(route.path) without a token: \(anonymous.status)")
                #expect(anonymous.headers[.contentType] == "application/problem+json")
                #expect(try fixture.journalDigest() == before, "\(route.path) without a token wrote to the journal")
                for role in TokenRole.allCases {
                    n += 1
                    let digest = try fixture.journalDigest()
                    let response = try await client.send(route, SampleRequests.sample(route, n), token: fixture.tokens[role])
                    if roles.contains(role) {
                        #expect(SampleRequests.succeeded(route, status: Int(response.status.code), body: String(buffer: response.body)),
                                "\(route.method) \(route.path) as \(role): \(response.status) \(String(buffer: response.body))")
                    } else {
                        #expect(response.status == .forbidden, "\(route.method) \(route.path) as \(role): \(response.status)")
                        #expect(String(buffer: response.body).contains("urn:accord:problem:forbidden"))
                        #expect(try fixture.journalDigest() == digest, "\(route.path) as \(role) was refused but wrote")
                    }
                }
            } else {
                #expect(anonymous.status == .ok, "\(route.path): \(anonymous.status)")
            }
        }
    }

    /// A token issued or revoked on the file while the server runs takes
    /// effect within a second; a bad token is 401.
    @Test func tokensOnTheFile() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        try await app.test(.router) { client in
            let route = Route(method: .get, path: "/v1/report", roles: nil)
            let sample = SampleRequests.Sample(uri: "/v1/report?at=2025-06-10")
            #expect(try await client.send(route, sample, token: "accord_not-a-token").status == .unauthorized)
            let ledger = try Ledger.open(at: fixture.path)
            let late = try ledger.issueToken(TokenInput(name: "late", role: "viewer"), as: Recorder(actor: "ops")).secret
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await client.send(route, sample, token: late).status == .ok)
            _ = try ledger.revokeToken(name: "late", reason: "left", as: Recorder(actor: "ops"))
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await client.send(route, sample, token: late).status == .unauthorized)
        }
    }

    /// The actor of every entry is the token's name, whatever the body says.
    @Test func actorIsTheTokenName() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        try await app.test(.router) { client in
            let route = Route(method: .post, path: "/v1/verifications", roles: nil)
            let response = try await client.send(route, SampleRequests.sample(route, 1), token: fixture.tokens[.monitor])
            #expect(response.status == .created)
            let receipt = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            let seq = try #require(receipt["seq"] as? Int)
            let (_, items) = try Ledger.open(at: fixture.path, readOnly: true).history(of: String(seq))
            #expect(items.first?.actor == "monitor-1")
        }
    }
}

extension Route: CustomTestStringConvertible {
    public var testDescription: String { "\(method.rawValue) \(path)" }
}
