import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP proxy on loopback that passes HTTP/1.1 connections to a server and
/// cuts some of them in the middle of a body: of the request (the server
/// gets part of what was sent, then the connection closes) or of the answer
/// (the client gets part of it). Which connection is cut where comes from a
/// seeded generator, so that a failing run can be run again with the same
/// cuts (the seed is in ``description``): connection 0 is cut in its
/// request, connection 1 in its answer, each later one until `cutting` at
/// random, and none after that (so that a push run again and again ends).
/// Connections are decided in the order they are accepted.
final class CuttingProxy: @unchecked Sendable, CustomStringConvertible {
    enum Cut: Sendable, Equatable {
        case none
        /// After this fraction of the request's body.
        case request(Double)
        /// After this fraction of the final answer's body.
        case response(Double)

        var request: Double? { if case .request(let fraction) = self { fraction } else { nil } }
        var response: Double? { if case .response(let fraction) = self { fraction } else { nil } }
    }

    let seed: UInt64
    let port: Int
    private let upstream: Int
    private let listener: Int32
    private let cutting: Int
    private let lock = NSLock()
    private var generator: SplitMix64
    private var accepted = 0
    private var events: [String] = []
    private var cuts: (request: Int, response: Int) = (0, 0)
    private let acceptLoop = DispatchGroup()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Listens on a free loopback port and passes connections to 127.0.0.1:`upstream`.
    init(upstream: Int, seed: UInt64, cutting: Int = 24) throws {
        self.upstream = upstream
        self.seed = seed
        self.cutting = cutting
        generator = SplitMix64(seed: seed)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = CuttingProxy.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw Failure(description: "bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let listener = self.listener
        acceptLoop.enter()
        Thread.detachNewThread { [self] in
            defer { acceptLoop.leave() }
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return
                }
                let cut = nextCut()
                Thread.detachNewThread { [self] in serve(client, cut: cut.cut, index: cut.index) }
            }
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The seed, how many connections were cut where, and each cut.
    var description: String {
        lock.withLock {
            "proxy seed \(seed) (ACCORD_PROXY_SEED=\(seed) runs these cuts again): \(accepted) connections, \(cuts.request) cut in the "
                + "request body, \(cuts.response) in the answer's body; \(events.joined(separator: "; "))"
        }
    }

    /// How many connections were cut in the middle of a request body, and of an answer's body.
    var cutCounts: (request: Int, response: Int) { lock.withLock { cuts } }

    /// Stops accepting (connections already passed on finish on their own).
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        acceptLoop.wait()
        close(listener)
    }

    private func nextCut() -> (cut: Cut, index: Int) {
        lock.withLock {
            let index = accepted
            accepted += 1
            let fraction = 0.02 + 0.96 * Double(generator.next() % 1_000_000) / 1_000_000
            let draw = generator.next() % 100
            let cut: Cut
            switch index {
            case 0: cut = .request(fraction)
            case 1: cut = .response(fraction)
            case ..<cutting: cut = draw < 35 ? .request(fraction) : draw < 70 ? .response(fraction) : .none
            default: cut = .none
            }
            return (cut, index)
        }
    }

    private func note(_ text: String, request: Bool) {
        lock.withLock {
            events.append(text)
            if request { cuts.request += 1 } else { cuts.response += 1 }
        }
    }

    /// Passes one connection on, both ways, until it ends or is cut.
    private func serve(_ client: Int32, cut: Cut, index: Int) {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = CuttingProxy.loopback(port: upstream)
        let connected = server >= 0 && withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
        guard connected else {
            if server >= 0 { close(server) }
            close(client)
            return
        }
        let upward = DispatchGroup()
        upward.enter()
        Thread.detachNewThread { [self] in
            defer { upward.leave() }
            pump(from: client, to: server, cut: cut.request, answer: false, index: index)
        }
        pump(from: server, to: client, cut: cut.response, answer: true, index: index)
        upward.wait()
        close(client)
        close(server)
    }

    /// Copies `from` to `to`. With `cut`, the first message's head (after
    /// any 1xx interim answers) and that fraction of its body go through
    /// (at least one byte of it, and not all), then both sockets are shut.
    private func pump(from: Int32, to: Int32, cut: Double?, answer: Bool, index: Int) {
        var pending: [UInt8] = []
        var offset = 0
        var limit: Int? = cut == nil ? Int.max : nil
        var body = (start: 0, length: 0)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(from, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                // The other side is done (or gone): say so onward, and stop.
                shutdown(to, Int32(SHUT_WR))
                if count < 0 { shutdown(from, Int32(SHUT_RDWR)) }
                return
            }
            pending.append(contentsOf: buffer[0..<count])
            if limit == nil, let fraction = cut {
                while let end = CuttingProxy.headEnd(pending) {
                    let head = String(decoding: pending[0..<end], as: UTF8.self)
                    if answer, head.hasPrefix("HTTP/1.1 1") || head.hasPrefix("HTTP/1.0 1") {
                        // An interim answer (100 Continue) goes through whole.
                        guard CuttingProxy.sendAll(to, pending[0..<end]) else { return shutBoth(from, to) }
                        offset += end
                        pending.removeFirst(end)
                        continue
                    }
                    let length = CuttingProxy.contentLength(head) ?? 4096
                    body = (offset + end, length)
                    limit = offset + end + max(1, min(length - 1, Int(Double(length) * fraction)))
                    break
                }
            }
            guard let limit else { continue }
            let allowed = min(pending.count, limit - offset)
            guard CuttingProxy.sendAll(to, pending[0..<allowed]) else { return shutBoth(from, to) }
            offset += allowed
            pending.removeFirst(allowed)
            if offset >= limit {
                note("connection \(index): cut the \(answer ? "answer" : "request") after \(offset - body.start) of its "
                     + "\(body.length) body bytes", request: !answer)
                return shutBoth(from, to)
            }
        }
    }

    private func shutBoth(_ one: Int32, _ other: Int32) {
        shutdown(one, Int32(SHUT_RDWR))
        shutdown(other, Int32(SHUT_RDWR))
    }

    /// The length of the head (through its blank line) at the start of `bytes`, once it is all there.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    static func contentLength(_ head: String) -> Int? {
        for line in head.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    /// Writes all of `bytes` (never raising SIGPIPE); false when the socket is gone.
    static func sendAll(_ socket: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { send(socket, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return false }
            sent += count
        }
        return true
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// A small seeded generator (SplitMix64): the same seed, the same numbers.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
