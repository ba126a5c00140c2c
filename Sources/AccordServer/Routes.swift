import AccordLedger

/// One route of the API: its method, its path (OpenAPI style, `{name}` for
/// a parameter) and the roles that may call it (nil: no token needed).
public struct Route: Sendable, Hashable {
    public enum Method: String, Sendable, CaseIterable {
        case get = "GET", post = "POST", delete = "DELETE"
    }

    public var method: Method
    public var path: String
    public var roles: Set<TokenRole>?

    public init(method: Method, path: String, roles: Set<TokenRole>?) {
        self.method = method
        self.path = path
        self.roles = roles
    }

    /// `/v1/tokens/:name`, as Hummingbird's router spells it.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }
}

/// Every route the server answers, and who may call it. The OpenAPI document
/// (docs/openapi.yaml) describes exactly these; a test keeps the two equal.
public enum Routes {
    static let admin: Set<TokenRole> = [.admin]
    static let evidence: Set<TokenRole> = [.monitor]
    static let review: Set<TokenRole> = [.reviewer]
    /// Reports, breaches and the brief: everyone with a token.
    static let viewing: Set<TokenRole> = Set(TokenRole.allCases)
    /// Lists, details, history and the checkpoint: all but viewers.
    static let reading: Set<TokenRole> = [.admin, .monitor, .reviewer, .auditor]
    /// Exports, the journal and proofs.
    static let auditing: Set<TokenRole> = [.admin, .auditor]

    public static let all: [Route] = [
        Route(method: .post, path: "/v1/parties", roles: admin),
        Route(method: .post, path: "/v1/agreements", roles: admin),
        Route(method: .post, path: "/v1/commitments", roles: admin),
        Route(method: .post, path: "/v1/guarantees", roles: admin),
        Route(method: .post, path: "/v1/amendments", roles: admin),
        Route(method: .post, path: "/v1/verifications", roles: evidence),
        Route(method: .post, path: "/v1/breaches", roles: evidence),
        Route(method: .post, path: "/v1/corroborations", roles: evidence),
        Route(method: .post, path: "/v1/invocations", roles: evidence),
        Route(method: .post, path: "/v1/corrections", roles: review),
        Route(method: .post, path: "/v1/retractions", roles: review),
        Route(method: .post, path: "/v1/disputes", roles: review),
        Route(method: .post, path: "/v1/adjudications", roles: review),
        Route(method: .post, path: "/v1/import", roles: [.admin, .monitor]),
        Route(method: .post, path: "/v1/bundles", roles: [.admin, .monitor, .reviewer]),
        Route(method: .post, path: "/v1/tokens", roles: admin),
        Route(method: .delete, path: "/v1/tokens/{name}", roles: admin),
        Route(method: .get, path: "/v1/report", roles: viewing),
        Route(method: .get, path: "/v1/breaches", roles: viewing),
        Route(method: .get, path: "/v1/brief", roles: viewing),
        Route(method: .get, path: "/v1/commitments", roles: reading),
        Route(method: .get, path: "/v1/commitments/{id}", roles: reading),
        Route(method: .get, path: "/v1/history/{entry}", roles: reading),
        Route(method: .get, path: "/v1/checkpoint", roles: reading),
        Route(method: .get, path: "/v1/bundles/definitions", roles: reading),
        Route(method: .get, path: "/v1/export/{table}", roles: auditing),
        Route(method: .get, path: "/v1/journal", roles: auditing),
        Route(method: .get, path: "/v1/proofs/inclusion", roles: auditing),
        Route(method: .get, path: "/v1/proofs/consistency", roles: auditing),
        Route(method: .get, path: "/v1/access-log", roles: auditing),
        Route(method: .get, path: "/healthz", roles: nil),
        Route(method: .get, path: "/metrics", roles: nil),
        Route(method: .get, path: "/v1/openapi.json", roles: nil),
    ]
}
