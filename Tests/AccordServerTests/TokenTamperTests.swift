import AccordLedger
import AccordServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The server's tokens come from rows the state root vouches for: a role
/// raised, or a token slipped in, with `sqlite3` is tampering, never a login.
@Suite struct TokenTamperTests {
    /// Runs SQL on the ledger with the `sqlite3` shell, as an attacker holding the file would.
    func sqlite(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 failed: \(sql)")
    }

    /// Gives the viewer token the admin role without UPDATE (which a trigger refuses): delete and re-insert.
    static let raiseViewer = """
        BEGIN; CREATE TEMP TABLE t AS SELECT * FROM tokens WHERE name = 'viewer-1'; DELETE FROM tokens WHERE name = 'viewer-1';
        INSERT INTO tokens SELECT name, 'admin', token_sha256, expires, expires_day, key_name, issued_seq, revoked_seq,
        revoke_reason FROM t; COMMIT;
        """

    @Test func aRaisedRoleIsRefusedByTheEngine() throws {
        let fixture = try ServerFixture()
        #expect(try Ledger.open(at: fixture.path).tokens().count == TokenRole.allCases.count + 8)
        try sqlite(fixture.path, Self.raiseViewer)
        let error = try #require(throws: LedgerError.self) { try Ledger.open(at: fixture.path).tokens() }
        #expect(error.kind == .tampered)
        #expect(error.message.contains("token:viewer-1"), "\(error.message)")
    }

    @Test func aTokenSlippedInIsRefused() throws {
        let fixture = try ServerFixture()
        let digest = Ledger.tokenDigest("accord_backdoor").map { String(format: "%02x", $0) }.joined()
        try sqlite(fixture.path, "INSERT INTO tokens (name, role, token_sha256, issued_seq) VALUES ('backdoor', 'admin', X'\(digest)', 3)")
        let error = try #require(throws: LedgerError.self) { try Ledger.open(at: fixture.path).tokens() }
        #expect(error.kind == .tampered)
        #expect(error.message.contains("token:backdoor"), "\(error.message)")
    }

    @Test func aTokenRemovedIsRefused() throws {
        let fixture = try ServerFixture()
        try sqlite(fixture.path, "DELETE FROM tokens WHERE name = 'victim-3'")
        let error = try #require(throws: LedgerError.self) { try Ledger.open(at: fixture.path).tokens() }
        #expect(error.kind == .tampered)
    }

    @Test func theServerWillNotStartOnTamperedTokens() async throws {
        let fixture = try ServerFixture()
        try sqlite(fixture.path, Self.raiseViewer)
        await #expect(throws: (any Error).self) { _ = try await fixture.application() }
    }

    @Test func tokensTamperedWhileServingAuthoriseNothing() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let viewer = try #require(fixture.tokens[.viewer])
        try await app.test(.router) { client in
            try sqlite(fixture.path, Self.raiseViewer)
            let before = try fixture.journalDigest()
            try await Task.sleep(for: .milliseconds(1_100))  // the server rereads its tokens at least every second
            let response = try await client.execute(uri: "/v1/tokens", method: .post,
                                                    headers: [.authorization: "Bearer \(viewer)", .contentType: "application/json"],
                                                    body: ByteBuffer(string: #"{"name":"backdoor","role":"admin"}"#))
            #expect(response.status == .internalServerError)
            #expect(String(buffer: response.body).contains("tampered"), "\(String(buffer: response.body))")
            #expect(try fixture.journalDigest() == before)
        }
    }
}
