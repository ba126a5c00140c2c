import NIOCore
import AccordLedger
import Hummingbird
import HummingbirdAuth
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is calling: the token's name (the actor of every entry the request
/// records) and role.
public struct Caller: Sendable, Equatable {
    public var name: String
    public var role: TokenRole
    public var key: String?
}

/// The request context: Hummingbird's, the caller once authenticated, and
/// the route once matched.
public struct AccordContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Caller?
    /// The request's query, read for the matched route (before its handler runs).
    var query = QueryParameters.empty
    /// The client's IP address (nil when the connection has none): what
    /// requests without a valid token are rate limited by.
    let clientAddress: String?
    /// The connection: a streamed body whose client stopped reading closes it.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        clientAddress = source.channel.remoteAddress?.ipAddress
        channel = source.channel
    }
}

/// The tokens the ledger has issued, by the SHA-256 of their text; reloaded
/// after every token entry the server records, and at least every second
/// (tokens issued or revoked with `accord token` on the file while the
/// server runs take effect within a second).
final class TokenStore: Sendable {
    private let tokens = Mutex([String: TokenInfo]())
    private let loadedAt = Mutex(Int64.min)
    static let staleAfterNanoseconds: Int64 = 1_000_000_000

    func replace(with list: [TokenInfo]) {
        var byDigest: [String: TokenInfo] = [:]
        for token in list { byDigest[hex(token.sha256)] = token }
        tokens.withLock { $0 = byDigest }
        loadedAt.withLock { $0 = monotonicNanoseconds() }
    }

    /// Reloads from `service` when the tokens were read more than a second ago.
    func refreshIfStale(from service: any LedgerService) async throws {
        let now = monotonicNanoseconds()
        let stale = loadedAt.withLock { loaded -> Bool in
            guard now - loaded > TokenStore.staleAfterNanoseconds else { return false }
            loaded = now  // one reload at a time
            return true
        }
        guard stale else { return }
        do {
            replace(with: try await service.tokens())
        } catch {
            // Tokens that no longer check against the journal authorise nothing.
            replace(with: [])
            throw Problem(error)
        }
    }

    /// The token whose text is `secret`, when it is valid today.
    func caller(for secret: String) -> Caller? {
        let digest = hex(Ledger.tokenDigest(secret))
        guard let token = tokens.withLock({ $0[digest] }), token.isValid(onDay: TokenStore.today()) else { return nil }
        return Caller(name: token.name, role: token.role, key: token.key)
    }

    static func today() -> Int64 {
        Int64(time(nil)) / 86_400
    }

    var isEmpty: Bool { tokens.withLock { $0.isEmpty } }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// A per-token token bucket: `rate` requests a second, bursts of `burst`.
final class RateLimiter: Sendable {
    let rate: Double
    let burst: Double
    private let buckets = Mutex([String: (tokens: Double, at: Double)]())

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = max(burst, 1)
    }

    /// Whether `key` may make a request now; otherwise how many seconds to wait.
    func admit(_ key: String) -> Double? {
        guard rate > 0 else { return nil }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let seconds = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        return buckets.withLock { buckets -> Double? in
            var bucket = buckets[key] ?? (burst, seconds)
            bucket.tokens = min(burst, bucket.tokens + (seconds - bucket.at) * rate)
            bucket.at = seconds
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                buckets[key] = bucket
                return nil
            }
            buckets[key] = bucket
            return (1 - bucket.tokens) / rate
        }
    }
}

/// Reads the bearer token, finds its caller and applies the rate limit. A
/// request without a valid token goes on without a caller: routes that need
/// one answer 401 (routes such as /healthz need none).
struct TokenAuthenticator: AuthenticatorMiddleware {
    typealias Context = AccordContext
    let service: any LedgerService
    let tokens: TokenStore
    let limiter: RateLimiter
    let metrics: ServerMetrics

    func authenticate(request: Request, context: AccordContext) async throws -> Caller? {
        var caller: Caller?
        if let token = TokenAuthenticator.bearer(request.headers[.authorization]) {
            try await tokens.refreshIfStale(from: service)
            caller = tokens.caller(for: token)
        }
        // A valid token is limited by its name; a request without one (no token,
        // a guessed or revoked one) by the address it comes from.
        let address = context.clientAddress ?? "an unknown address"
        let key = caller.map { "token:" + $0.name } ?? "address:" + address
        if let wait = limiter.admit(key) {
            let who = caller.map { "token \(TextRules.printable($0.name))" } ?? "\(address), without a valid token,"
            // Thrown as the problem itself: the middleware counts it under rate-limited.
            var problem = Problem(.rateLimited, "\(who) made more than \(limiter.rate) requests a second; "
                                  + "retry after \(Int(wait.rounded(.up))) s")
            problem.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            throw problem
        }
        return caller
    }
}

extension TokenAuthenticator {
    /// The token of an `Authorization: Bearer TOKEN` header; the scheme is
    /// case-insensitive (RFC 9110 §11.1), spaces around the token are ignored.
    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.drop { $0 == " " || $0 == "\t" }
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }),
              trimmed[..<space].lowercased() == "bearer" else { return nil }
        let token = trimmed[space...].trimmingPrefix(while: { $0 == " " || $0 == "\t" })
        let end = token.lastIndex(where: { $0 != " " && $0 != "\t" }).map { token.index(after: $0) } ?? token.startIndex
        let value = String(token[..<end])
        return value.isEmpty ? nil : value
    }
}

extension Route {
    /// Whether `path` (a request's path) is this route's, `{name}` matching any one segment.
    func matches(_ path: String) -> Bool {
        let mine = self.path.split(separator: "/", omittingEmptySubsequences: false)
        let theirs = path.split(separator: "/", omittingEmptySubsequences: false)
        guard mine.count == theirs.count else { return false }
        return zip(mine, theirs).allSatisfy { part, given in
            part.hasPrefix("{") && part.hasSuffix("}") ? !given.isEmpty : part == given
        }
    }

    /// The methods the routes at `path` answer (for a 405's `Allow`).
    static func methods(at path: String) -> [Method] {
        Method.allCases.filter { method in Routes.all.contains { $0.method == method && $0.matches(path) } }
    }

    /// Refuses a caller this route does not admit: 401 without a valid
    /// token, 403 for a role the route does not allow.
    func authorize(_ context: AccordContext) throws -> Caller? {
        guard let roles else { return context.identity }
        guard let caller = context.identity else {
            throw {
                var problem = Problem(.unauthorized, "\(method.rawValue) \(path) needs a valid token: send `Authorization: Bearer TOKEN` "
                                      + "(a token from `accord token issue`, not revoked or expired)")
                problem.headers[.wwwAuthenticate] = "Bearer realm=\"accord\""
                return problem
            }()
        }
        guard roles.contains(caller.role) else {
            let allowed = TokenRole.allCases.filter { roles.contains($0) }.map(\.rawValue).joined(separator: " or ")
            throw Problem(.forbidden, "token \(caller.name) has role \(caller.role.rawValue); \(method.rawValue) \(path) needs \(allowed)")
        }
        return caller
    }
}
