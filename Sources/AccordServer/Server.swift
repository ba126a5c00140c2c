import AccordFiles
import AccordLedger
import AccordTrust
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Body caps, the rate limit and timeouts.
public struct ServerLimits: Sendable {
    /// The largest JSON body a recording route takes.
    public var maxBodyBytes = 64 * 1024
    /// The largest body `POST /v1/import` takes (spooled to a scratch file
    /// as it arrives, never held in memory). An import holds the writer while
    /// it runs, so the cap also bounds how long every other write waits:
    /// 32 MiB is about 300,000 rows, a few seconds (docs/ARCHITECTURE.md).
    public var maxImportBytes = 32 * 1024 * 1024
    /// Requests a second per token (0: no limit), and the burst allowed.
    public var rate: Double = 100
    public var burst: Double = 200
    /// A connection with nothing to read or write for this long is closed.
    public var idleTimeoutSeconds: Int64 = 30
    /// Exports, journal exports and briefs running at once (0: no bound);
    /// one more is refused with 503 and `Retry-After`. Each streamed read
    /// holds one of the ledger's four readers while its body is sent, so the
    /// default leaves the lighter reads room as long as no more run.
    public var maxHeavyReads = 4

    public init() {}
}

/// How `accord serve` runs.
public struct ServerConfiguration: Sendable {
    public var database: String
    public var host = "127.0.0.1"
    public var port = 8080
    /// Listening on anything but loopback sends tokens in clear: only when the operator says so.
    public var insecureHTTP = false
    public var limits = ServerLimits()
    /// A registered key's private key file: `GET /v1/checkpoint` and the
    /// receipts of `POST /v1/bundles` are signed with it (without one, a push is refused).
    public var checkpointKey: String?
    /// The ledger's clock and settings (`accord-server` reads `ACCORD_NOW`
    /// into the clock, as the command line does).
    public var settings = LedgerSettings()

    public init(database: String) {
        self.database = database
    }

    /// Reads `HOST:PORT` (`127.0.0.1:8080`, `[::1]:8080`, `localhost:0`).
    /// - Throws: ``ServerError`` for anything else.
    public mutating func listen(_ text: String) throws {
        var host = text
        var port = "8080"
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw ServerError("--listen \(text): an IPv6 address ends with ]") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") { port = String(rest.dropFirst()) } else if !rest.isEmpty {
                throw ServerError("--listen \(text): give HOST:PORT")
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            port = String(text[text.index(after: colon)...])
        }
        guard !host.isEmpty, let number = Int(port), (0...65535).contains(number) else {
            throw ServerError("--listen \(text): give HOST:PORT, e.g. 127.0.0.1:8080")
        }
        self.host = host
        self.port = number
    }

    /// Whether `host` is a loopback address: an IPv4 address in 127.0.0.0/8,
    /// `::1`, or the name `localhost` (which RFC 6761 reserves for loopback).
    /// Any other name is not, whatever it starts with (`127.example.org`).
    public var isLoopback: Bool {
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }
}

/// A refusal to start, in one sentence.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// Whether the command line asked for something the server cannot do
    /// (exit 64), not a failure to run it (exit 1).
    public var isUsage: Bool
    public init(_ description: String, usage: Bool = false) {
        self.description = description
        isUsage = usage
    }
}

/// Builds and runs the server.
public enum AccordServer {
    /// The application over `service`: every route of ``Routes/all``.
    public static func application(
        service: any LedgerService, configuration: ServerConfiguration, metrics: ServerMetrics = ServerMetrics(),
        logger: Logger = Logger(label: "accord.server"),
        onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let tokens = TokenStore()
        do {
            tokens.replace(with: try await service.tokens())
        } catch {
            throw ServerError("cannot read the ledger's tokens: \(error.message)")
        }
        let router = Router(context: AccordContext.self)
        let limiter = RateLimiter(rate: configuration.limits.rate, burst: configuration.limits.burst)
        router.add(middleware: RequestLogMiddleware(
            metrics: metrics, authenticator: TokenAuthenticator(service: service, tokens: tokens, limiter: limiter, metrics: metrics)))
        API(service: service, tokens: tokens, metrics: metrics, limits: configuration.limits,
            scratchDirectory: configuration.settings.scratchDirectory,
            heavyReads: HeavyReads(limit: configuration.limits.maxHeavyReads)).register(on: router)
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(configuration.limits.idleTimeoutSeconds))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "accord"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
            logger: logger)
    }

    /// Runs until SIGTERM or SIGINT: then stops accepting, finishes and
    /// acknowledges the requests in flight, and closes the ledger.
    /// - Throws: ``ServerError`` when the ledger cannot be opened or the address is refused.
    public static func run(_ configuration: ServerConfiguration, logger: Logger = Logger(label: "accord.server"),
                           onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }) async throws {
        guard configuration.isLoopback || configuration.insecureHTTP else {
            throw ServerError("--listen \(configuration.host): tokens would cross the network in clear over plain HTTP; "
                              + "listen on 127.0.0.1 behind a TLS-terminating proxy, or pass --insecure-http if you know why",
                              usage: true)
        }
        var signing: NoteSigningKey?
        if let keyPath = configuration.checkpointKey {
            do {
                signing = try Keys.signingKey(at: keyPath)
            } catch {
                throw ServerError("--checkpoint-key \(keyPath): \(error)", usage: true)
            }
        }
        let metrics = ServerMetrics()
        let service: EngineAdapter
        do {
            service = try EngineAdapter(path: configuration.database, settings: configuration.settings, checkpointKey: signing,
                                        onGroup: { metrics.group($0) })
        } catch {
            throw ServerError(error.message)
        }
        if let problem = await service.receiptSignerProblem() {
            logger.warning("""
                --checkpoint-key cannot sign receipts: \(problem). GET /v1/checkpoint signs with it, but pushes (POST \
                /v1/bundles) are answered 409 and clones take the definitions unproved
                """)
        }
        let app = try await application(service: service, configuration: configuration, metrics: metrics, logger: logger,
                                        onServerRunning: onServerRunning)
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            await service.close()
            throw error
        }
        await service.close()
        logger.info("stopped; every acknowledged write is committed and the ledger is closed")
    }
}
