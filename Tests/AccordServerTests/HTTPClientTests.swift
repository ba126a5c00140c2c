import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the command line's HTTP client (`accord-server client`, run by
/// `clone URL`, `push`, `pull`, `sync` and `--remote`) does with answers an
/// Accord server does not give: each is one clear error and an exit code,
/// and nothing is written.
@Suite struct HTTPClientTests {
    /// A redirection is reported with where it points, not followed: the
    /// token would go with it. It points at a closed port, so following it
    /// would fail as "cannot reach" (75) instead.
    @Test func aRedirectionIsReportedNotFollowed() throws {
        let directory = try TemporaryDirectory()
        let closed = try RawResponder(answer: "")
        let closedPort = closed.port
        closed.stop()
        let target = "http://127.0.0.1:\(closedPort)/v1/bundles/definitions"
        let responder = try RawResponder(answer: "HTTP/1.1 301 Moved Permanently\r\nLocation: \(target)\r\n"
                                         + "Content-Length: 0\r\nConnection: close\r\n\r\n")
        defer { responder.stop() }
        let outcome = try LiveServer.accord(["clone", "http://127.0.0.1:\(responder.port)", "--token", "secret",
                                             "--db", directory.path("field.sqlite")])
        #expect(outcome.status == 69, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("answered 301, a redirection to \(target)"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("field.sqlite")), "a refused clone made a file")
        #expect(responder.requests.count == 1)
        #expect(responder.requests.first?.contains("Authorization: Bearer secret") == true,
                "\(responder.requests)")
    }

    /// A token with a line ending copied with it (a file ending in CRLF) is
    /// refused before anything is sent, without printing the token.
    @Test func aTokenThatCannotBeAHeaderIsRefusedUnsaid() throws {
        let directory = try TemporaryDirectory()
        let responder = try RawResponder(answer: "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
        defer { responder.stop() }
        let outcome = try LiveServer.accord(["clone", "http://127.0.0.1:\(responder.port)", "--db", directory.path("field.sqlite")],
                                            environment: ["ACCORD_TOKEN": "s3cr3t-token\r"])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("the token has a character no token has at position 13 of 13"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("s3cr3t"), "\(outcome.stderr)")
        #expect(responder.requests.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.path("field.sqlite")), "a refused clone made a file")
    }

    /// An answer that is not the API's (no problem document), a connection
    /// closed before any answer, an answer cut before its end, and an answer
    /// that is not HTTP: each one exit code and a line saying so, and no file.
    @Test(arguments: [
        ("HTTP/1.1 418 I'm a teapot\r\nContent-Length: 5\r\nConnection: close\r\n\r\nshort",
         Int32(69), "answered 418 without a problem document"),
        ("", 75, "the connection was cut; nothing was lost"),
        // A declared length, then the connection closed: cut, try again.
        ("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"bundle\":", 75,
         "the connection was cut; nothing was lost"),
        ("SSH-2.0-OpenSSH_9.2\r\n\r\n", 69, "answered with something that is not HTTP"),
    ])
    func answersThatAreNotTheAPIs(answer: String, status: Int32, says: String) throws {
        let directory = try TemporaryDirectory()
        let responder = try RawResponder(answer: answer)
        defer { responder.stop() }
        let outcome = try LiveServer.accord(["clone", "http://127.0.0.1:\(responder.port)", "--token", "t",
                                             "--db", directory.path("field.sqlite")])
        #expect(outcome.status == status, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(says), "\(outcome.stderr)")
        if status == 75 { #expect(outcome.stderr.contains("cannot reach http://127.0.0.1:\(responder.port)"), "\(outcome.stderr)") }
        #expect(!FileManager.default.fileExists(atPath: directory.path("field.sqlite")), "a refused clone made a file")
    }
}

/// A loopback listener that answers every connection with the same bytes
/// (none: it closes the connection) once it has read the request's head,
/// and keeps each head it read.
final class RawResponder: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let answer: [UInt8]
    private let lock = NSLock()
    private var heads: [String] = []
    private let done = DispatchGroup()

    init(answer: String) throws {
        self.answer = Array(answer.utf8)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CuttingProxy.Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = CuttingProxy.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw CuttingProxy.Failure(description: "bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        done.enter()
        Thread.detachNewThread { [self] in
            defer { done.leave() }
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return
                }
                respond(client)
            }
        }
    }

    /// The heads of the requests read so far.
    var requests: [String] { lock.withLock { heads } }

    private func respond(_ client: Int32) {
        defer { close(client) }
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !head.suffix(4).elementsEqual("\r\n\r\n".utf8) {
            let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, 1) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            head.append(buffer[0])
        }
        lock.withLock { heads.append(String(decoding: head, as: UTF8.self)) }
        var offset = 0
        while offset < answer.count {
            let written = answer.withUnsafeBytes { write(client, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Stops listening and waits for the accepting thread to end.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        done.wait()
    }
}
