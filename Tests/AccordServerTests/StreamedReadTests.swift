import AccordLedger
import AccordServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `GET /v1/export/{table}` and `GET /v1/journal` stream their bodies from
/// one read transaction: the bytes are the command line's, the server's
/// memory stays flat however large the body, a client that goes away stops
/// the read, the access log counts the rows sent, and heavy reads are bounded.
@Suite struct StreamedReadTests {
    func get(_ client: some TestClientProtocol, _ uri: String, token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: .get, headers: headers)
    }

    /// Every table in every format it takes, and the journal, are byte for
    /// byte what `accord export --format X` and `accord journal export` print.
    @Test func streamedBodiesAreTheCommandLinesBytes() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let auditor = try #require(fixture.tokens[.auditor])
        try await app.test(.router) { client in
            for table in ExportTable.allCases {
                var formats = ["csv", "tsv", "json", "ndjson"]
                if table.holdsRecords { formats.append("geojson") }
                for format in formats {
                    let response = try await get(client, "/v1/export/\(table.rawValue)?format=\(format)", token: auditor)
                    let cli = try LiveServer.accord(["export", table.rawValue, "--format", format, "--db", fixture.path])
                    #expect(cli.status == 0, "\(cli.stderr)")
                    #expect(response.status == .ok, "\(table.rawValue) \(format)")
                    #expect(!cli.stdout.isEmpty)
                    #expect(String(buffer: response.body) == cli.stdout, "\(table.rawValue) as \(format)")
                    #expect(response.headers[.contentLength] == nil, "a streamed body has no length")
                }
            }
            let journal = try await get(client, "/v1/journal", token: auditor)
            let cli = try LiveServer.accord(["journal", "export", "--db", fixture.path])
            #expect(journal.status == .ok)
            #expect(journal.headers[.contentType] == "application/x-ndjson")
            #expect(String(buffer: journal.body) == cli.stdout)

            // The access log counts the rows of each: the journal's last row is the journal's entries.
            let log = try await get(client, "/v1/access-log?limit=1", token: auditor)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(buffer: log.body)) as? [[String: Any]])
            #expect((rows.last?["rows"] as? NSNumber)?.intValue == cli.stdout.split(separator: "\n").count)
            #expect((rows.last?["status"] as? NSNumber)?.intValue == 200)
        }
    }

    /// Errors found before the first byte are the usual problems, never a
    /// 200 with a broken body: an unknown table, a bad parameter, a ledger
    /// whose stored Merkle edge does not match its journal.
    @Test func errorsBeforeTheFirstByteAreProblems() async throws {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        let auditor = try #require(fixture.tokens[.auditor])
        try await app.test(.router) { client in
            let unknown = try await get(client, "/v1/export/nothing?format=csv", token: auditor)
            #expect(unknown.status == .notFound)
            let format = try await get(client, "/v1/export/parties?format=geojson", token: auditor)
            #expect(format.status == .unprocessableContent)
            let status = try await get(client, "/v1/export/verifications?status=sometimes", token: auditor)
            #expect(status.status == .unprocessableContent)
            #expect(String(buffer: status.body).contains("urn:accord:problem:invalid"))
        }
        await service.close()

        // Tamper with the stored edge of the Merkle tree: an export checks it before its first row.
        try TokenTamperTests().sqlite(fixture.path, "UPDATE merkle_frontier SET hashes = zeroblob(length(hashes)) WHERE id = 1")
        // The engine refuses before the first row reaches the caller, so a stream has sent nothing yet.
        var rowsSeen = 0
        #expect(throws: LedgerError.self) {
            try Ledger.open(at: fixture.path, readOnly: true).export(.verifications) { _ in rowsSeen += 1 }
        }
        #expect(rowsSeen == 0)
        let (tamperedApp, tamperedService) = try await fixture.application()
        defer { Task { await tamperedService.close() } }
        try await tamperedApp.test(.router) { client in
            for format in ["csv", "ndjson", "geojson"] {
                let response = try await get(client, "/v1/export/verifications?format=\(format)", token: auditor)
                #expect(response.status == .internalServerError, "\(format)")
                #expect(String(buffer: response.body).contains("urn:accord:problem:tampered"), "\(format)")
            }
        }
    }

    /// A 2,500-entry journal of some 55 MiB streamed by a live server: its
    /// peak memory grows by far less than the body; a client that leaves
    /// mid-stream stops its read (the access log says so, with the rows it
    /// was sent) and frees its slot; beyond `--max-heavy-reads` a heavy read
    /// is refused with 503 and Retry-After; the whole body's rows are the
    /// access log's; and SIGTERM then closes every reader.
    @Test func aLargeJournalStreamsInBoundedMemory() async throws {
        let fixture = try ServerFixture()
        // A large ledger in one import: 40 MiB of rows with long notes.
        let (csv, imported) = StreamedImportTests.csv(megabytes: 40, prefix: "big")
        let csvPath = fixture.directory.path("big.csv")
        try Data(csv).write(to: URL(fileURLWithPath: csvPath))
        let imports = try LiveServer.accord(["import", "--db", fixture.path, csvPath])
        #expect(imports.status == 0, "\(imports.stderr)")
        let entries = try Ledger.open(at: fixture.path, readOnly: true).consistencyProof(oldSize: 1).newSize

        let server = try LiveServer(db: fixture.path, directory: fixture.directory,
                                    arguments: ["--max-heavy-reads", "1", "--idle-timeout", "600"])
        let auditor = try #require(fixture.tokens[.auditor])
        let pid = server.process.processIdentifier
        let session = URLSession(configuration: .ephemeral)
        // Warm the server with a small heavy read, then take the baseline.
        #expect(await server.send("GET", "/v1/export/parties?format=csv", token: auditor, session: session)?.status == 200)
        let baseline = try StreamedImportTests.peakMemory(of: pid)

        // A client that asks for the journal, reads a little, then stalls: it holds the one heavy-read slot.
        let stalled = try RawConnection(port: server.port)
        try await stalled.send(Array("GET /v1/journal HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(auditor)\r\n\r\n".utf8))
        let head = try await stalled.receive(atLeast: 256 << 10)
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head.prefix(200))")
        #expect(head.lowercased().contains("transfer-encoding: chunked"))
        let refused = try #require(await send(server, "/v1/export/verifications?format=ndjson", token: auditor, session: session))
        #expect(refused.status == 503)
        #expect(refused.retryAfter == "1")
        #expect(refused.body.contains("urn:accord:problem:busy"))
        // Light reads are not bounded.
        #expect(await server.send("GET", "/v1/report", token: auditor, session: session)?.status == 200)

        // The client goes away: its read stops and its slot comes back.
        stalled.hangUp()
        var answer: StreamedAnswer?
        for _ in 0..<600 {
            answer = await send(server, "/v1/journal", token: auditor, session: session)
            if answer?.status != 503 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let whole = try #require(answer)
        #expect(whole.status == 200)
        let lines = whole.data.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == Int(entries))
        #expect(whole.data.count > 50 << 20, "the journal is \(whole.data.count >> 20) MiB")
        let growth = try StreamedImportTests.peakMemory(of: pid) - baseline
        #expect(growth < 32 << 20, "the server's peak memory grew by \(growth >> 20) MiB while it sent \(whole.data.count >> 20) MiB")
        print("StreamedReadTests: peak RSS \(baseline >> 20) MiB before, grew by \(growth >> 10) KiB while sending "
              + "\(whole.data.count >> 20) MiB (\(lines.count) entries)")

        // The access log: the abandoned read (499, fewer rows than the journal's), then the whole one.
        let log = try #require(await server.send("GET", "/v1/access-log?limit=2", token: auditor, session: session))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(log.body.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        let abandoned = try #require(rows.first)
        #expect((abandoned["status"] as? NSNumber)?.intValue == 499)
        let sentBeforeLeaving = try #require((abandoned["rows"] as? NSNumber)?.intValue)
        #expect(sentBeforeLeaving < Int(entries))
        #expect((rows.last?["status"] as? NSNumber)?.intValue == 200)
        #expect((rows.last?["rows"] as? NSNumber)?.intValue == lines.count)
        #expect(imported > 2000)

        // No reader is still held by the abandoned read: the close waits for every reader's queue.
        server.signal(SIGTERM)
        #expect(server.wait() == 0)
    }

    /// A client that stops reading without closing is not kept for ever: after
    /// the idle timeout without progress its read is stopped, logged with 408
    /// and the rows it was sent, its connection closed and its slot freed.
    @Test func aClientThatStopsReadingIsLetGo() async throws {
        let fixture = try ServerFixture()
        let (csv, _) = StreamedImportTests.csv(megabytes: 20, prefix: "stall")
        let csvPath = fixture.directory.path("stall.csv")
        try Data(csv).write(to: URL(fileURLWithPath: csvPath))
        #expect(try LiveServer.accord(["import", "--db", fixture.path, csvPath]).status == 0)
        let server = try LiveServer(db: fixture.path, directory: fixture.directory,
                                    arguments: ["--max-heavy-reads", "1", "--idle-timeout", "1"])
        let auditor = try #require(fixture.tokens[.auditor])
        let session = URLSession(configuration: .ephemeral)
        let stalled = try RawConnection(port: server.port)
        try await stalled.send(Array("GET /v1/journal HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(auditor)\r\n\r\n".utf8))
        #expect(try await stalled.receive(atLeast: 64 << 10).hasPrefix("HTTP/1.1 200"))
        // The client never reads again; the slot comes back once the server lets it go.
        var answer: StreamedAnswer?
        for _ in 0..<300 {
            answer = await send(server, "/v1/export/parties?format=csv", token: auditor, session: session)
            if answer?.status != 503 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(answer?.status == 200)
        let log = try #require(await server.send("GET", "/v1/access-log?limit=2", token: auditor, session: session))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(log.body.utf8)) as? [[String: Any]])
        #expect((rows.first?["route"] as? String) == "/v1/journal")
        #expect((rows.first?["status"] as? NSNumber)?.intValue == 408)
        #expect(rows.first?["rows"] is NSNumber)
        // The server closed the stalled connection: reading it to its end returns — or, since the
        // client left bytes unread, the kernel answers with a reset (ECONNRESET, 104): closed either way.
        do {
            _ = try await stalled.receiveAll()
        } catch {
            #expect("\(error)".contains("104"), "the stalled connection ended otherwise than closed: \(error)")
        }
        server.signal(SIGTERM)
        #expect(server.wait() == 0)
    }

    struct StreamedAnswer: Sendable {
        var status: Int
        var retryAfter: String?
        var data: Data
        var body: String { String(decoding: data, as: UTF8.self) }
    }

    func send(_ server: LiveServer, _ path: String, token: String, session: URLSession) async -> StreamedAnswer? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)\(path)")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 120
        guard let (data, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        return StreamedAnswer(status: http.statusCode, retryAfter: http.value(forHTTPHeaderField: "Retry-After"), data: data)
    }
}

extension RawConnection {
    /// At least `count` bytes (fewer if the server closes first), as text.
    func receive(atLeast count: Int) async throws -> String {
        let socket = self.socket
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while received.count < count {
                    let got = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                    if got < 0 && errno == EINTR { continue }
                    if got <= 0 { break }
                    received += buffer[0..<got]
                }
                continuation.resume(returning: String(decoding: received, as: UTF8.self))
            }
        }
    }

    /// Ends the connection now, as a client process that exits does: the
    /// socket is closed with unread data, so the kernel resets the connection
    /// (the descriptor number then names /dev/null until the deinit closes it).
    func hangUp() {
        let null = open("/dev/null", O_RDONLY)
        guard null >= 0 else { return }
        dup2(null, socket)
        Glibc.close(null)
    }
}
