import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// `accord-server client GET|POST URL`: one HTTP request for the command
/// line (`accord clone URL`, `push`, `pull`, `sync` run it; not for users).
/// The token comes in `ACCORD_TOKEN` (never in the arguments, which other
/// users of the machine can read); a POST's body is read whole from standard
/// input; a 2xx answer's body goes to standard output as it arrives. Anything
/// else is one `Error: …` line on standard error and an exit code the command
/// line passes on (sysexits.h, as `accord`'s):
///
/// - 1: the server found its ledger altered (500 `tampered`);
/// - 65: the server refused what was sent (400, 409, 413, 415, 422), or
///   something it names is not there (404 `not-found`);
/// - 64: the address or the token cannot be used (said without the token);
/// - 69: no Accord server there, or it cannot do this (404 without a problem document, 409
///   `unconfigured`, a redirection, other 5xx, an answer that is not the API's or not HTTP,
///   a TLS certificate not accepted);
/// - 75: try again later (no connection, a connection cut, a timeout, 429, 503);
/// - 77: the token was refused (401) or its role may not do this (403).
///
/// async-http-client does the HTTP, on SwiftNIO as the server does
/// (docs/ARCHITECTURE.md, "The HTTP client").
enum Client {
    static let word = "client"

    static let tampered: Int32 = 1, usage: Int32 = 64, badData: Int32 = 65, unavailable: Int32 = 69, tryLater: Int32 = 75, noPermission: Int32 = 77

    /// The most of a refusal's body that is read (a problem document is small).
    static let refusalLimit = 1 << 20

    /// Runs one request; the exit code.
    static func run(_ arguments: [String]) async -> Int32 {
        guard arguments.count == 2, ["GET", "POST"].contains(arguments[0]) else {
            printError("Error: accord-server client takes GET|POST URL (it is run by accord clone, push, pull, sync and --remote)")
            return usage
        }
        let method = arguments[0]
        let address = arguments[1]
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil else {
            printError("Error: '\(address)' is not an http:// or https:// URL; give the server's address, e.g. https://accord.example.org")
            return usage
        }
        guard let token = environment("ACCORD_TOKEN") else {
            printError("Error: no token: pass --token TOKEN or set ACCORD_TOKEN (a token of the mission's server)")
            return usage
        }
        // A header cannot carry a control character or a space; said without the token, which must not reach a log.
        if let bad = token.utf8.firstIndex(where: { $0 <= 0x20 || $0 >= 0x7f }) {
            let offset = token.utf8.distance(from: token.utf8.startIndex, to: bad)
            printError("Error: the token has a character no token has at position \(offset + 1) of \(token.utf8.count) "
                       + "(a line ending or a space copied with it?): pass it again, exactly as `accord token issue` printed it")
            return usage
        }
        var request = HTTPClientRequest(url: address)
        request.method = method == "POST" ? .POST : .GET
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if method == "POST" {
            request.body = .bytes(ByteBuffer(bytes: readStandardInput()))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        var configuration = HTTPClient.Configuration()
        // A push of many entries is answered only once all are applied: wait long for the first byte.
        configuration.timeout = .init(connect: .seconds(30), read: .seconds(600))
        // A redirection is reported, not followed: the token would go wherever it points.
        configuration.redirectConfiguration = .disallow
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        configuration.tlsConfiguration = tls
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        let code = await exchange(client, request, address: address)
        try? await client.shutdown()
        return code
    }

    /// Sends `request` and passes its answer on; the exit code.
    static func exchange(_ client: HTTPClient, _ request: HTTPClientRequest, address: String) async -> Int32 {
        do {
            let response = try await client.execute(request, timeout: .hours(1))
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                if (300..<400).contains(status) {
                    let target = response.headers.first(name: "Location").map { " to \(oneLine($0))" } ?? ""
                    printError("Error: the server at \(address) answered \(status), a redirection\(target); give the address "
                               + "it names (a redirection is not followed: the token would go with it)")
                    return unavailable
                }
                let body = try await response.body.collect(upTo: refusalLimit)
                let (message, code) = refusal(status: status, body: Array(buffer: body), address: address)
                printError("Error: " + message)
                return code
            }
            for try await part in response.body {
                guard part.withUnsafeReadableBytes({ writeStandardOutput($0) }) else { return 1 }
            }
            return 0
        } catch {
            let (message, code) = failure(error, address: address)
            printError("Error: " + message)
            return code
        }
    }

    /// The line and exit code for a refusal: the problem's detail and the
    /// field it points at, with what to do.
    static func refusal(status: Int, body: [UInt8], address: String) -> (String, Int32) {
        let problem = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let type = (problem?["type"] as? String).map { String($0.dropFirst("urn:accord:problem:".count)) }
        guard let problem, let detail = problem["detail"] as? String else {
            let what = status == 404 ? "no such route: is \(address) an Accord server (accord serve), and up to date?"
                : "answered \(status) without a problem document"
            return ("the server at \(address) \(what)", status == 429 || status == 503 ? tryLater : unavailable)
        }
        var message = "the server refused the request (\(status)): \(oneLine(detail))"
        if let errors = problem["errors"] as? [[String: Any]], let pointer = errors.first?["pointer"] as? String {
            message += " [at \(oneLine(pointer))]"
        }
        switch status {
        case 401: return (message + "; check --token or ACCORD_TOKEN", noPermission)
        case 403: return (message, noPermission)
        case 429, 503: return (message + "; try again later", tryLater)
        // Something the request named (an id, an entry) is not there: bad data, as the command says on a ledger file.
        case 404 where type == "not-found": return (message, badData)
        case 404: return (message + "; is \(address) an up-to-date Accord server (accord serve)?", unavailable)
        case 500 where type == "tampered": return (message + "; audit the server's ledger", tampered)
        case 409 where type == "unconfigured": return (message, unavailable)
        case 413:
            return (message + "; the server takes no more in one request (its --max-import): carry the entries with "
                    + "`accord bundle --out FILE`, or ask its operator for a larger --max-import", badData)
        case 400..<500: return (message, badData)
        default: return (message, unavailable)
        }
    }

    /// The line and exit code for a request that got no usable answer:
    /// try again later (75) when the network or the server's availability
    /// is at fault; 69 when what answered is not an Accord server one can
    /// use (not HTTP, a certificate not accepted, a refusal too large);
    /// 64 for an address the client cannot use. Never the request's headers
    /// (the token is one of them).
    static func failure(_ error: any Error, address: String) -> (String, Int32) {
        let later = { (why: String) in
            ("cannot reach \(address): \(why); nothing was lost: run it again when the server can be reached", tryLater)
        }
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .tlsHandshakeTimeout: return later("it timed out")
            case .remoteConnectionClosed, .cancelled: return later("the connection was cut")
            case .invalidURL, .emptyHost, .emptyScheme:
                return ("'\(oneLine(address))' is not an address the client can use", usage)
            default: return ("\(address) could not be asked (\(oneLine(error.shortDescription)))", unavailable)
            }
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil { return later("the name does not resolve") }
            if let first = error.connectionErrors.first?.error { return failure(first, address: address) }
            return later("no connection could be made")
        case let error as IOError where error.errnoCode == ECONNREFUSED: return later("the connection was refused")
        case let error as IOError where [ECONNRESET, EPIPE, ETIMEDOUT, ENETUNREACH, EHOSTUNREACH].contains(error.errnoCode):
            return later("the connection was cut or could not be made (\(String(cString: strerror(error.errnoCode))))")
        case is ChannelError: return later("the connection was cut")
        case is NIOSSLError, is BoringSSLError:
            return ("the TLS connection to \(address) failed (\(oneLine("\(error)"))): its certificate was not accepted, "
                    + "or it does not speak TLS; check the address (https:// or http://) and the server's certificate", unavailable)
        case let error as HTTPParserError where error == .invalidEOFState:
            // The connection closed before the answer was whole.
            return later("the connection was cut")
        case is HTTPParserError:
            return ("the server at \(address) answered with something that is not HTTP: is it an Accord server (accord serve)?",
                    unavailable)
        case is NIOTooManyBytesError:
            return ("the server at \(address) refused the request with an answer larger than \(refusalLimit >> 20) MiB, "
                    + "which is not the API's", unavailable)
        default: return later(oneLine("\(type(of: error))"))
        }
    }

    /// Text from the network on one line, with control characters shown as `\u{…}`.
    static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(2000) {
            if scalar.value < 0x20 || scalar.value == 0x7f || (0x80..<0xa0).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func readStandardInput() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    /// Writes all of `bytes` to standard output; false when it could not.
    static func writeStandardOutput(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}
