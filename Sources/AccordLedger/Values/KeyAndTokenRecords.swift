/// A monitor's Ed25519 public key, registered under a name.
public struct KeyRegistration: Hashable, Sendable {
    /// The key's name (a C2SP note key name).
    public var name: String
    /// The 32-byte Ed25519 public key.
    public var publicKey: [UInt8]
    /// What the key may do (version 1 entries: monitor).
    public var role: KeyRole = .monitor
    /// The actor names entries signed by this key may carry besides the key's
    /// own name (empty: only its name).
    public var actors: [String] = []
    /// Proof of possession: the new key's Ed25519 signature over
    /// ``possessionMessage`` (64 bytes), or nil.
    public var possession: [UInt8]? = nil

    /// A key registration from its parts (``possession`` from the key holder's signature).
    public init(name: String, publicKey: [UInt8], role: KeyRole = .monitor, actors: [String] = [], possession: [UInt8]? = nil) {
        self.name = name
        self.publicKey = publicKey
        self.role = role
        self.actors = actors
        self.possession = possession
    }
}

/// Ends a key's validity: entries after this one may not be signed with it.
public struct KeyRevocation: Hashable, Sendable {
    /// The name of the key revoked.
    public var name: String
    /// Why it was revoked; nil when not given.
    public var reason: String?
}

/// Records that the ledger's schema was upgraded and its projections rebuilt
/// from the journal (the entry carries the state root of the rebuilt state).
public struct LedgerUpgrade: Hashable, Sendable {
    /// The schema version before the upgrade.
    public var fromSchema: UInt32
    /// The schema version after it.
    public var toSchema: UInt32
}

/// Issues a server token: a name, a role, and the
/// SHA-256 of the token's text. The token itself is never recorded.
public struct TokenIssue: Hashable, Sendable {
    /// The token's name: the actor of every request made with it.
    public var name: String
    /// What the token may do (admin, monitor, reviewer, auditor, viewer).
    public var role: TokenRole
    /// SHA-256 of the token's UTF-8 text (32 bytes).
    public var tokenSHA256: [UInt8]
    /// The token is refused from this date on (00:00 UTC), when given.
    public var expires: Moment?
    /// A registered key whose signature the token's writes must carry.
    public var key: String?
}

/// Ends a token's validity: requests made with it after this entry are refused.
public struct TokenRevocation: Hashable, Sendable {
    /// The name of the token revoked.
    public var name: String
    /// Why it was revoked; nil when not given.
    public var reason: String?
}
