import AccordLedger
import AccordServer
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// The second attacker/new-user review of `accord serve`: each finding as
/// the request that showed it. A refused request leaves the journal unchanged.
@Suite struct AttackReviewTests {
    func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?,
              body: String? = nil, type: String = "application/json", headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = type }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    func pointer(_ response: TestResponse) throws -> String? {
        (try json(response)["errors"] as? [[String: Any]])?.first?["pointer"] as? String
    }

    /// Runs SQL with the `sqlite3` shell, as an attacker holding the file would; its output.
    @discardableResult
    func sqlite(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 failed: \(sql)")
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func requestDigest(_ path: String, _ body: String) -> String {
        SHA256.hash(data: Array("POST \(path)\n\(body)".utf8)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: 1. idempotency_keys is not trusted blindly

    @Test func aForgedIdempotencyRowIsTamperingNotAReceipt() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let reviewer = fixture.tokens[.reviewer]
        let body = #"{"entry":"fx-1","reason":"Miscounted","quantity":12}"#
        let party = try sqlite(fixture.path, "SELECT min(seq) FROM journal WHERE kind_code = 2")
        try sqlite(fixture.path, "INSERT INTO idempotency_keys VALUES ('reviewer-1', 'K-forged', "
                   + "X'\(Self.requestDigest("/v1/corrections", body))', \(party))")
        let before = try fixture.journalDigest()
        try await app.test(.router) { client in
            let response = try await send(client, .post, "/v1/corrections", token: reviewer, body: body,
                                          headers: [HTTPFields.Element.Name("Idempotency-Key")!: "K-forged"])
            #expect(response.status == .internalServerError, "\(String(buffer: response.body))")
            #expect(try json(response)["type"] as? String == "urn:accord:problem:tampered")
            #expect(try fixture.journalDigest() == before)
            // Counted by reason in /metrics.
            let metrics = try await send(client, .get, "/metrics", token: nil)
            #expect(String(buffer: metrics.body).contains(#"accord_rejections_total{reason="tampered"} 1"#))
        }
        let report = try Audit.run(path: fixture.path)
        #expect(report.outcome == .tampered)
        #expect(report.findings.contains { $0.check == "idempotency" && $0.seq == Int64(party) })
    }

    @Test func aRealKeyedRetryStillAnswersAndAuditsClean() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let reviewer = fixture.tokens[.reviewer]
        let monitor = fixture.tokens[.monitor]
        let key: HTTPFields = [HTTPFields.Element.Name("Idempotency-Key")!: "K-real"]
        try await app.test(.router) { client in
            let body = #"{"entry":"fx-1","reason":"Miscounted","quantity":12}"#
            let first = try await send(client, .post, "/v1/corrections", token: reviewer, body: body, headers: key)
            #expect(first.status == .created)
            let again = try await send(client, .post, "/v1/corrections", token: reviewer, body: body, headers: key)
            #expect(again.status == .ok)
            #expect(try json(again)["seq"] as? Int == (try json(first)["seq"] as? Int))
            // A keyed request that records nothing new (its id is already there, by another actor) keeps no key.
            let verification = #"{"commitment":"UA-release","quantity":1,"observed":"2025-05-26","source":"Fixture 1","sourceKind":"monitor","id":"fx-1"}"#
            let present = try await send(client, .post, "/v1/verifications", token: monitor, body: verification, headers: key)
            #expect(present.status == .ok, "\(String(buffer: present.body))")
        }
        #expect(try sqlite(fixture.path, "SELECT count(*) FROM idempotency_keys") == "1")
        let report = try Audit.run(path: fixture.path)
        #expect(report.outcome == .verified, "\(report.findings.map { $0.detail(PlainPhrasing()) })")
    }

    @Test func theAuditChecksEveryIdempotencyRow() throws {
        let fixture = try ServerFixture()
        let digest = String(repeating: "ab", count: 32)
        let verification = try sqlite(fixture.path, "SELECT min(seq) FROM journal WHERE kind_code = 8")
        let create = "1"
        try sqlite(fixture.path, """
            INSERT INTO idempotency_keys VALUES ('monitor-1', 'other-actor', X'\(digest)', \(verification));
            INSERT INTO idempotency_keys VALUES ('setup', 'wrong-kind', X'\(digest)', \(create));
            INSERT INTO idempotency_keys VALUES ('setup', 'missing', X'\(digest)', 99999);
            INSERT INTO idempotency_keys VALUES ('setup', 'twice-a', X'\(digest)', \(verification));
            INSERT INTO idempotency_keys VALUES ('setup', 'twice-b', X'\(digest)', \(verification));
            """)
        let findings = try Audit.run(path: fixture.path).findings.filter { $0.check == "idempotency" }.map { $0.detail(PlainPhrasing()) }
        #expect(findings.count == 4, "\(findings)")
        #expect(findings.contains { $0.contains("'other-actor'") && $0.contains("another actor") })
        #expect(findings.contains { $0.contains("'wrong-kind'") && $0.contains("ledger.create") })
        #expect(findings.contains { $0.contains("'missing'") && $0.contains("does not exist") })
        #expect(findings.contains { $0.contains("'twice-b'") && $0.contains("key 'twice-a'") })
    }

    // MARK: 2. A correction has no id

    @Test func aCorrectionRefusesAnID() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let before = try fixture.journalDigest()
        try await app.test(.router) { client in
            let response = try await send(client, .post, "/v1/corrections", token: fixture.tokens[.reviewer],
                                          body: #"{"entry":"fx-1","reason":"Miscounted","quantity":12,"id":"c-1"}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try pointer(response) == "/id")
        }
        #expect(try fixture.journalDigest() == before)
    }

    // MARK: 3. Idempotency-Key is validated everywhere, refused where a retry cannot answer

    @Test func idempotencyKeyOnTokensImportAndReads() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let admin = fixture.tokens[.admin]
        let key = HTTPFields.Element.Name("Idempotency-Key")!
        let before = try fixture.journalDigest()
        try await app.test(.router) { client in
            let token = try await send(client, .post, "/v1/tokens", token: admin, body: #"{"name":"t-9","role":"viewer"}"#,
                                       headers: [key: "K-1"])
            #expect(token.status == .badRequest)
            #expect(String(buffer: token.body).contains("revoke"))
            let csv = "id,commitment,quantity,observed,source\nimp-9,UA-release,1,2025-05-28,ICRC\n"
            let upload = try await send(client, .post, "/v1/import", token: admin, body: csv, type: "text/csv", headers: [key: "K-2"])
            #expect(upload.status == .badRequest)
            #expect(String(buffer: upload.body).contains("own ids"))
            let malformed = try await send(client, .get, "/v1/report", token: admin, headers: [key: "not visible\u{7f}"])
            #expect(malformed.status == .badRequest)
            let revoke = try await send(client, .delete, "/v1/tokens/victim-1", token: admin, headers: [key: ""])
            #expect(revoke.status == .badRequest)
        }
        #expect(try fixture.journalDigest() == before)
    }

    // MARK: 4, 5. The access log keeps the route, and says it is unverified

    @Test func theAccessLogKeepsTheRouteAndSaysItIsUnverified() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let auditor = fixture.tokens[.auditor]
        try await app.test(.router) { client in
            let export = try await send(client, .get, "/v1/export/%76erifications?format=ndjson", token: auditor)
            #expect(export.status == .ok)
            let log = try await send(client, .get, "/v1/access-log", token: auditor)
            #expect(log.headers[HTTPFields.Element.Name("Accord-Verified")!]?.hasPrefix("false;") == true)
            let records = try #require(try JSONSerialization.jsonObject(with: Data(buffer: log.body)) as? [[String: Any]])
            #expect(records.last?["route"] as? String == "/v1/export/verifications")
            #expect(records.last?["verified"] as? Bool == false)
        }
    }

    // MARK: 6. An oversized Content-Length is refused before the body is read

    @Test func anOversizedDeclaredBodyIsRefusedAtOnce() throws {
        let directory = try TemporaryDirectory()
        let fixture = try ServerFixture()
        let server = try LiveServer(db: fixture.path, directory: directory)
        defer { server.signal(SIGTERM); _ = server.wait() }
        // Headers that announce 100 MB, and no body: the answer must come without waiting for it.
        let script = """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", \(server.port)), timeout=5)
            s.sendall(b"POST /v1/verifications HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: Bearer \(fixture.tokens[.monitor]!)\\r\\n"
                      b"Content-Type: application/json\\r\\nContent-Length: 100000000\\r\\n\\r\\n")
            print(s.recv(4096).decode().split("\\r\\n")[0])
            """
        let outcome = try LiveServer.run(["/usr/bin/env", "python3", "-c", script])
        #expect(outcome.stdout.contains("413"), "\(outcome.stdout) \(outcome.stderr)")
    }

    // MARK: 7. A 500 is logged at error level with the request id

    @Test func tamperingIsLoggedAsAnError() async throws {
        let fixture = try ServerFixture()
        let lines = LogLines()
        let logger = Logger(label: "capture") { _ in CapturingHandler(lines: lines) }
        let service = try EngineAdapter(path: fixture.path)
        defer { Task { await service.close() } }
        var configuration = ServerConfiguration(database: fixture.path)
        configuration.limits.rate = 0
        let app = try await AccordServer.application(service: service, configuration: configuration, logger: logger)
        let body = #"{"entry":"fx-1","reason":"Miscounted","quantity":12}"#
        try sqlite(fixture.path, "INSERT INTO idempotency_keys VALUES ('reviewer-1', 'K-forged', "
                   + "X'\(Self.requestDigest("/v1/corrections", body))', 1)")
        try await app.test(.router) { client in
            let response = try await send(client, .post, "/v1/corrections", token: fixture.tokens[.reviewer], body: body,
                                          headers: [HTTPFields.Element.Name("Idempotency-Key")!: "K-forged"])
            #expect(response.status == .internalServerError)
        }
        let errors = lines.lines.withLock { $0.filter { $0.0 == .error } }
        #expect(errors.count == 1)
        let metadata = try #require(errors.first?.2)
        #expect(metadata["problem"]?.description == "urn:accord:problem:tampered")
        #expect(metadata.keys.contains { $0.contains("request") && $0.contains("id") }, "\(metadata.keys)")
        let everything = lines.lines.withLock { $0.map { "\($0.1) \($0.2)" }.joined() }
        #expect(!everything.contains(fixture.tokens[.reviewer]!) && !everything.contains("Miscounted"))
    }
}

/// Keeps every log line (level, message, metadata) for a test to read.
struct CapturingHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String,
             function: String, line: UInt) {
        let all = metadata.merging(extra ?? [:]) { _, new in new }
        lines.lines.withLock { $0.append((level, "\(message)", all)) }
    }
}

/// The lines a ``CapturingHandler`` kept.
final class LogLines: Sendable {
    let lines = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
}
