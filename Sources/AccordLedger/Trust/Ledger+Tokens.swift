import AccordStorage
import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a user gives to issue a server token.
public struct TokenInput: Sendable {
    /// The token's name, as typed: the actor of every request made with it.
    public var name: String
    /// `admin`, `monitor`, `reviewer`, `auditor` or `viewer`, as typed.
    public var role: String
    /// The token is refused from this date on (00:00 UTC).
    public var expires: String?
    /// A registered key the token's writes must be signed with.
    public var key: String?

    /// A token from what was typed; the ledger validates it when it records it.
    public init(name: String, role: String, expires: String? = nil, key: String? = nil) {
        self.name = name
        self.role = role
        self.expires = expires
        self.key = key
    }
}

/// A token just issued: its text is shown once and never stored.
public struct IssuedToken: Sendable {
    /// The token's name.
    public var name: String
    /// What the token may do.
    public var role: TokenRole
    /// The token to hand to its holder (`accord_` and 43 base64url characters).
    public var secret: String
    /// The receipt of the `token.issue` entry that recorded it.
    public var receipt: Receipt
}

/// A token as the ledger records it (its SHA-256, never its text).
public struct TokenInfo: Sendable, Equatable {
    /// The token's name.
    public var name: String
    /// What the token may do.
    public var role: TokenRole
    /// The SHA-256 of the token's text (32 bytes).
    public var sha256: [UInt8]
    /// The day from which it is refused (YYYY-MM-DD); nil for never.
    public var expires: String?
    /// The day (days since 1970-01-01) from which the token is refused.
    public var expiresDay: Int64?
    /// The registered key its writes must be signed with; nil for none.
    public var key: String?
    /// The seq of the entry that issued it.
    public var issuedSeq: Int64
    /// The seq of the entry that revoked it; nil while valid.
    public var revokedSeq: Int64?

    /// Whether a request on `day` (days since 1970-01-01, UTC) may use it.
    public func isValid(onDay day: Int64) -> Bool {
        revokedSeq == nil && (expiresDay.map { day < $0 } ?? true)
    }
}

/// Server tokens: who may do what through a server front end (docs/JOURNAL.md, codes
/// 20 and 21). Issuing and revoking are journal entries, so the audit shows
/// who could write when; only a token's SHA-256 is recorded.
extension Ledger {
    /// Issues a token for `input.name` with `input.role`.
    /// - Throws: ``LedgerError`` `.invalid` when the name is taken (tokens'
    ///   names are unique for the life of the ledger), the role or date is
    ///   invalid, or the key is not registered.
    public func issueToken(_ input: TokenInput, as recorder: Recorder) throws -> IssuedToken {
        let name = try TextRules.identifier(input.name, field: .name)
        let role = try TokenRole(parsing: TextRules.trimmed(input.role), field: .role)
        let expires = try input.expires.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }.map { try Parse.date($0, field: .expires) }
        // A token is refused from its expiry date on (the clock's UTC day, as the server checks it).
        if let expires, expires.day <= Int64(time(nil)) / 86_400 {
            throw LedgerError.invalid(.expires, "\(Field.expires): \(expires.dayText) is today or past: the token would never be valid; "
                                      + "give a later date, or none")
        }
        let key = try input.key.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }.map { try TextRules.identifier($0, field: .tokenKey) }
        let secret = Ledger.newTokenSecret()
        let issue = TokenIssue(name: name, role: role, tokenSHA256: Ledger.tokenDigest(secret), expires: expires, key: key)
        let receipt = try record(recorder) { session in
            // No server serves a field ledger, and a push never carries a token: one issued here would serve nothing.
            try session.refuseLocalDefinition("issue the token", thenPull: false)
            if let seq = try session.db.scalarInt("SELECT issued_seq FROM tokens WHERE name = ?", name) {
                throw LedgerError.invalid(.name, "\(Field.name): a token named \(name) was already issued (entry \(seq)); token "
                                          + "names are never reused: choose another")
            }
            if let key {
                let seq = try Keys.requireRegistered(key, publicKey: nil, in: session.db, prefix: "\(Field.tokenKey): ",
                                                     purpose: "bind a token")
                // The token's name is the actor of what it records: on a ledger with admin keys the
                // key must be registered for it, or every signed write by the token would be refused.
                if try session.hasAdminKeys(), let entry = try session.entry(seq), case .keyRegister(let registration) = entry.payload,
                   !registration.signs(as: name) {
                    throw LedgerError.invalid(.tokenKey, "\(Field.tokenKey): key \(key) signs only as \(registration.actorList), and "
                                              + "a token's name is the actor of its entries: name the token \(key), or bind a key "
                                              + "registered for \(name)")
                }
            }
            return try session.append(.tokenIssue(issue))
        }
        return IssuedToken(name: name, role: role, secret: secret, receipt: receipt)
    }

    /// Revokes a token: requests made with it are refused from this entry on.
    /// - Throws: ``LedgerError`` `.notFound(.token)` for a token never
    ///   issued, `.conflict` with the revoking entry for one already revoked.
    public func revokeToken(name: String, reason: String?, as recorder: Recorder) throws -> Receipt {
        try record(.revokeToken(name: name, reason: reason), as: recorder)
    }

    /// Every token issued, in the order issued (revoked ones included), read
    /// whole and checked against the state root of the journal's last entry:
    /// a role, key or expiry changed, or a token added or removed, by another
    /// tool is refused as tampering, never trusted to authorise a request.
    /// - Throws: ``LedgerError`` `.tampered` when the rows do not match.
    public func tokens() throws -> [TokenInfo] {
        try LedgerError.translating {
            try database.read { db in
                let view = try LedgerView(head: db)
                let statement = try db.prepare("SELECT * FROM tokens NOT INDEXED")
                let columns = Columns(statement.columnNames, table: "tokens")
                var rows = StateRows()
                var tokens: [TokenInfo] = []
                let cursor = statement.cursor()
                while let raw = try cursor.next() {
                    try ReadRow.reading(raw, columns) { row in
                        let name = try row.text("name")
                        rows.add(row.stored, of: .token(name), table: 0)
                        tokens.append(TokenInfo(name: name, role: try row.word("role", TokenRole.self), sha256: try row.blob("token_sha256"),
                                                expires: try row.optionalText("expires"), expiresDay: try row.optionalInt("expires_day"),
                                                key: try row.optionalText("key_name"), issuedSeq: try row.int("issued_seq"),
                                                revokedSeq: try row.optionalInt("revoked_seq")))
                    }
                }
                try VerifiedLeaves(view).check(.token, rows: rows)
                return tokens.sorted { $0.issuedSeq < $1.issuedSeq }
            }
        }
    }

    /// SHA-256 of a token's UTF-8 text: what the ledger records.
    public static func tokenDigest(_ secret: String) -> [UInt8] {
        SHA256.hash(data: Array(secret.utf8)).byteArray
    }

    /// A new token: `accord_` then 32 random bytes in base64url (no padding).
    static func newTokenSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = Array("accord_".utf8)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * UInt32(offset)) }
            let characters = chunk.count + 1
            for position in 0..<characters { out.append(alphabet[Int((value >> (18 - 6 * UInt32(position))) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Session {
    /// Appends a token's revocation (`reason` already validated); with
    /// `keepingAnAdmin`, refuses to revoke the last admin token valid today.
    func revokeToken(_ name: String, reason: String?, keepingAnAdmin: Bool = false) throws -> Recorded {
        var known = false
        var revoked: Int64?
        try db.forEach("SELECT revoked_seq FROM tokens WHERE name = ?", [name]) { row in
            known = true
            revoked = row.optionalInt64(0)
        }
        guard known else {
            throw LedgerError.notFound(.token, name, "\(Field.name): no token named '\(TextRules.printable(name))' was issued")
        }
        if let revoked { throw LedgerError.conflict(revoked, "\(Field.name): token \(name) was already revoked by entry \(revoked)") }
        if keepingAnAdmin {
            // Valid today as a server judges it (TokenInfo.isValid, on the system clock, never ACCORD_NOW): not
            // revoked, not yet expired; and bound to no key, as only such a token can issue tokens over the server.
            let today = Timestamp.system().milliseconds / 86_400_000
            var admins: [[UInt8]] = []
            try db.forEach("""
                SELECT name FROM tokens WHERE role = 'admin' AND revoked_seq IS NULL AND key_name IS NULL
                AND (expires_day IS NULL OR ? < expires_day)
                """, [today]) { row in admins.append(Array(row.text(0).utf8)) }
            if admins == [Array(name.utf8)] {
                throw LedgerError(.conflict(.state), "\(Field.name): token \(TextRules.printable(name)) is the last valid admin token: revoking "
                                  + "it through the server would leave no one to issue tokens; issue another admin token first, or "
                                  + "revoke it on the ledger file itself")
            }
        }
        return try append(.tokenRevoke(TokenRevocation(name: name, reason: reason)))
    }
}

/// One read recorded in the access log: who read what, when, and how much.
public struct AccessRecord: Sendable, Equatable {
    /// The record's row id (0 before it is stored).
    public var id: Int64
    /// `YYYY-MM-DDTHH:MM:SS.sssZ`.
    public var at: String
    /// The name of the token that read.
    public var actor: String
    /// The token's role when it read.
    public var role: String
    /// The HTTP method (`GET`).
    public var method: String
    /// The route, as routes are listed (`/v1/breaches`).
    public var route: String
    /// The query parameters the route takes, as given; nil for none.
    public var query: String?
    /// The HTTP status answered.
    public var status: Int
    /// How many rows the answer held, when it is a listing; nil otherwise.
    public var rows: Int64?

    /// A record of one read; `id` is given by the log when stored.
    public init(id: Int64 = 0, at: String, actor: String, role: String, method: String, route: String, query: String?,
                status: Int, rows: Int64?) {
        self.id = id
        self.at = at
        self.actor = actor
        self.role = role
        self.method = method
        self.route = route
        self.query = query
        self.status = status
        self.rows = rows
    }
}

extension Ledger {
    /// Appends to the access log (not the journal: a read claims nothing).
    /// Checked as reads are (``requireUnalteredSchema(_:reading:)``): its
    /// columns mean what the schema's text says, while a trigger added or
    /// dropped elsewhere leaves the server handing out what an auditor needs,
    /// the journal of an altered ledger included.
    /// - Throws: ``LedgerError``.
    public func recordAccess(_ record: AccessRecord) throws {
        try LedgerError.translating {
            try database.write { db in
                try Ledger.requireUnalteredSchema(db, reading: true)
                _ = try db.run("""
                    INSERT INTO access_log (at, actor, role, method, route, query, status, rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, record.at, record.actor, record.role, record.method, record.route, record.query, record.status,
                    record.rows)
            }
        }
    }

    /// The access log, oldest first (`limit`: the newest that many).
    /// - Throws: ``LedgerError``.
    public func accessLog(limit: Int? = nil) throws -> [AccessRecord] {
        try LedgerError.translating {
            var records: [AccessRecord] = []
            let sql = "SELECT id, at, actor, role, method, route, query, status, rows FROM ("
                + "SELECT * FROM access_log ORDER BY id DESC LIMIT ?) ORDER BY id"
            try database.forEach(sql, [Int64(limit ?? -1)]) { row in
                records.append(AccessRecord(id: row.int64(0), at: row.text(1), actor: row.text(2), role: row.text(3),
                                            method: row.text(4), route: row.text(5), query: row.optionalText(6),
                                            status: Int(row.int64(7)), rows: row.optionalInt64(8)))
            }
            return records
        }
    }
}
