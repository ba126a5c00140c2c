import AccordLedger
import AccordServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `POST /v1/import` streams its body to a scratch file as it arrives: an
/// upload larger than the 16 MiB the server used to hold in memory imports
/// while the server's memory stays flat, other writes go on while it
/// uploads, and the cap is enforced as the bytes arrive.
@Suite struct StreamedImportTests {
    /// A CSV of verifications with long notes: at least `megabytes` MiB (one row for 0) in few rows.
    static func csv(megabytes: Int, prefix: String) -> (body: [UInt8], rows: Int) {
        var body = Array("id,commitment,quantity,observed,source,note\n".utf8)
        let note = String(repeating: "n", count: 19_000)
        var rows = 0
        repeat {
            body += Array("\(prefix)-\(rows),UA-release,1,2025-05-28,ICRC,\(note)\n".utf8)
            rows += 1
        } while body.count < megabytes << 20
        return (body, rows)
    }

    /// The peak resident memory of a process, in bytes (`VmHWM`, Linux).
    static func peakMemory(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
    }

    /// A client that uploads slowly: most of a 24 MiB import, a pause, the
    /// rest. During the pause the server holds far less than what it has
    /// received, and a verification from another client is recorded.
    @Test func aLargeUploadIsSpooledNotHeld() async throws {
        let fixture = try ServerFixture()
        // A long idle timeout: under a loaded test run this task may wait a while between its steps.
        let server = try LiveServer(db: fixture.path, directory: fixture.directory,
                                    arguments: ["--max-import", "64000000", "--idle-timeout", "600"])
        let (body, rows) = Self.csv(megabytes: 24, prefix: "big")
        let token = try #require(fixture.tokens[.monitor])
        let baseline = try Self.peakMemory(of: server.process.processIdentifier)

        let connection = try RawConnection(port: server.port)
        try await connection.send(Array(("POST /v1/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: text/csv\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n").utf8))
        let held = 256 * 1024
        // A blocking send returns once the server has taken all but what the socket buffers hold.
        try await connection.send(Array(body[..<(body.count - held)]))
        try await Task.sleep(for: .milliseconds(300))
        let growth = try Self.peakMemory(of: server.process.processIdentifier) - baseline
        #expect(growth < 8 << 20, "the server's peak memory grew by \(growth >> 20) MiB while \(body.count >> 20) MiB were uploaded")

        let session = URLSession(configuration: .ephemeral)
        let meanwhile = await server.post("/v1/verifications", SampleRequests.sample(
            Route(method: .post, path: "/v1/verifications", roles: nil), 1).body!, token: token, session: session)
        #expect(meanwhile?.status == 201, "a write waited for the upload: \(String(describing: meanwhile))")

        try await connection.send(Array(body[(body.count - held)...]))
        let answer = try await connection.receiveAll()
        #expect(answer.hasPrefix("HTTP/1.1 201"), "\(answer.prefix(300))")
        #expect(answer.contains(#""added":\#(rows)"#), "\(answer.suffix(300))")
        server.signal(SIGTERM)
        #expect(server.wait() == 0)
        #expect(try Audit.run(path: fixture.path).outcome == .verified)
    }

    /// Past the cap the upload is refused with 413, whether the request
    /// says its length up front or not, and nothing is imported.
    /// A body whose chunked framing is broken is the client's fault: 400
    /// `malformed`, on a JSON route and on the import alike, never 500, and
    /// nothing is written (an attacker's finding); a body cut short by a client
    /// that then leaves is logged as its fault too, not as the server's failure.
    @Test func aBrokenBodyIsMalformed() async throws {
        let fixture = try ServerFixture()
        let server = try LiveServer(db: fixture.path, directory: fixture.directory)
        let token = try #require(fixture.tokens[.monitor])
        let before = try fixture.journalDigest()
        for (path, type) in [("/v1/verifications", "application/json"), ("/v1/import", "text/csv")] {
            let connection = try RawConnection(port: server.port)
            try await connection.send(Array(("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: \(type)\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\n{\"a\"\r\nzz\r\n").utf8))
            let answer = try await connection.receiveAll()
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(path): \(answer.prefix(400))")
            #expect(answer.contains("urn:accord:problem:malformed") && answer.contains("could not be read whole"), "\(path): \(answer)")
        }
        let cut = try RawConnection(port: server.port)
        try await cut.send(Array(("POST /v1/verifications HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"commitment\":\"UA-release\"").utf8))
        shutdown(cut.socket, Int32(SHUT_WR))
        _ = try await cut.receiveAll()
        try await Task.sleep(for: .milliseconds(200))
        #expect(!server.log.contains("request failed"), "\(server.log)")
        #expect(try fixture.journalDigest() == before)
    }

    @Test func theCapIsEnforcedWhileStreaming() async throws {
        let fixture = try ServerFixture()
        var limits = ServerLimits()
        limits.maxImportBytes = 1 << 20
        let (app, service) = try await fixture.application(limits: limits)
        defer { Task { await service.close() } }
        let before = try fixture.journalDigest()
        let (body, _) = Self.csv(megabytes: 2, prefix: "over")
        let (fits, fitting) = Self.csv(megabytes: 0, prefix: "fits")
        try await app.test(.router) { client in
            for length in [true, false] {
                var headers: HTTPFields = [.authorization: "Bearer \(fixture.tokens[.monitor]!)", .contentType: "text/csv"]
                if length { headers[.contentLength] = String(body.count) }
                let response = try await client.execute(uri: "/v1/import", method: .post, headers: headers,
                                                        body: ByteBuffer(bytes: body))
                #expect(response.status == .contentTooLarge, "Content-Length given: \(length)")
                #expect(String(buffer: response.body).contains("urn:accord:problem:too-large"))
            }
            #expect(try fixture.journalDigest() == before)
            let small = try await client.execute(uri: "/v1/import", method: .post,
                                                 headers: [.authorization: "Bearer \(fixture.tokens[.monitor]!)", .contentType: "text/csv"],
                                                 body: ByteBuffer(bytes: fits))
            #expect(small.status == .created)
            #expect(String(buffer: small.body).contains(#""added":\#(fitting)"#))
        }
    }
}

/// A plain TCP connection to a loopback port, for requests a URL session
/// cannot make (an upload paused half way). Its blocking calls run on a
/// queue of its own, never on Swift's cooperative threads.
final class RawConnection: @unchecked Sendable {
    let socket: Int32
    private let queue = DispatchQueue(label: "accord.test.raw-connection")

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(errno)") }
    }

    deinit { close(socket) }

    /// Runs `body` on the connection's queue.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    func send(_ bytes: [UInt8]) async throws {
        try await blocking { try self.sendNow(bytes) }
    }

    /// Everything the server sends until it closes the connection.
    func receiveAll() async throws -> String {
        try await blocking { try self.receiveNow() }
    }

    private func sendNow(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw Failure(description: "send: \(errno)") }
            offset += sent
        }
    }

    private func receiveNow() throws -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Failure(description: "recv: \(errno)") }
            if count == 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
