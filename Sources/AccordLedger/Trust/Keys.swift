import AccordStorage
import AccordTrust
import Crypto

/// Monitor keys: Ed25519 keys in the C2SP signed-note key format, kept
/// outside the ledger (a front end reads and writes their files).
///
/// A private key file holds one line, `PRIVATE+KEY+<name>+<keyid>+<base64>`;
/// its public file (`FILE.pub`) holds `<name>+<keyid>+<base64>`, the form
/// checkpoint verifiers use.
public enum Keys {
    /// The 8-hex-digit key id of the C2SP note format.
    static func keyIDHex(name: String, publicKey: [UInt8]) -> String {
        ByteEncoding.hex32(NoteKey.keyID(name: name, rawPublicKey: publicKey))
    }

    /// Makes a new key named `name` (a ledger identifier, not `unsigned`).
    /// - Throws: ``LedgerError`` `.invalid(.keyName)` for a bad name.
    public static func newSigningKey(name: String) throws -> NoteSigningKey {
        guard NoteKey.isValidName(name) else {
            throw LedgerError.invalid(.keyName, "key name '\(TextRules.printable(name))' may not be empty or contain '+', spaces or "
                                      + "control characters")
        }
        try checkName(name)
        do {
            return try NoteSigningKey.generate(name: name)
        } catch {
            throw LedgerError.invalid(.keyName, "cannot make a key named \(name): \(error)")
        }
    }

    /// Parses a private key's text (`source`: what to call it in errors, a file name).
    /// - Throws: ``LedgerError`` `.invalid(.keyFile)` naming `source`.
    public static func signingKey(text: String, source: String) throws -> NoteSigningKey {
        do {
            return try NoteSigningKey(TextRules.trimmed(text))
        } catch {
            if (try? NoteVerifierKey(TextRules.trimmed(text))) != nil {
                throw LedgerError.invalid(.keyFile, "\(source) is a public key", hint: .usePrivateKey)
            }
            throw LedgerError.invalid(.keyFile, "\(source) is not an Accord private key (PRIVATE+KEY+name+id+base64): \(error)")
        }
    }

    /// Parses a public key's text (`source`: what to call it in errors, a file name).
    /// - Throws: ``LedgerError`` `.invalid(.publicKeyFile)` naming `source`.
    public static func verifierKey(text: String, source: String) throws -> NoteVerifierKey {
        let text = TextRules.trimmed(text)
        if text.hasPrefix("PRIVATE+KEY+") {
            throw LedgerError.invalid(.publicKeyFile, "\(source) holds a private key; register the public one (\(source).pub)")
        }
        do {
            return try NoteVerifierKey(text)
        } catch {
            throw LedgerError.invalid(.publicKeyFile, "\(source) is not a public key (name+id+base64): \(error)")
        }
    }

    /// Listings print this for an entry without a signer, so no key may take it as its name.
    static let unsignedWord = "unsigned"

    /// Refuses a key name that is not a ledger identifier (it is registered
    /// and named in entries) or is `unsigned`.
    /// - Throws: ``LedgerError`` `.badInput`.
    static func checkName(_ name: String) throws {
        _ = try TextRules.identifier(name, field: .keyName)
        guard NoteKey.isValidName(name) else {
            throw LedgerError.invalid(.keyName, "key name '\(TextRules.printable(name))' may not be empty or contain '+', spaces or "
                                      + "control characters")
        }
        guard name != unsignedWord else {
            throw LedgerError.invalid(.keyName, "key name '\(name)' is reserved: listings show it for entries that no key signed; choose another name")
        }
    }
}

/// Signs entries with a monitor's private key.
public struct KeySigner: EntrySigner {
    /// The private key it signs with.
    public let key: NoteSigningKey

    /// A signer with `key`.
    public init(key: NoteSigningKey) {
        self.key = key
    }

    /// The key's name (as registered).
    public var keyName: String { key.name }

    /// The 32-byte public key.
    public var publicKey: [UInt8] { key.verifierKey.publicKeyBytes }

    /// ``publicKey``: the ledger refuses it unless it is the one registered.
    public var verifyingKey: [UInt8]? { publicKey }

    /// The Ed25519 signature of `bytes` (64 bytes).
    public func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        try key.signature(for: bytes)
    }
}

extension Keys {
    /// Refuses a key this ledger has not registered, has revoked, or
    /// registered with another public key (`publicKey` nil: not compared).
    /// - Returns: the seq of the entry that registered it.
    /// - Throws: ``LedgerError`` `.badInput` starting with `prefix`, saying what to do.
    @discardableResult
    static func requireRegistered(_ name: String, publicKey: [UInt8]?, in db: Database, prefix: Phrase, purpose: String) throws -> Int64 {
        var found: (key: [UInt8], revoked: Int64?, seq: Int64)?
        try db.forEach("SELECT public_key, revoked_seq, registered_seq FROM keys WHERE name = ?", [name]) { row in
            found = (row.blob(0), row.optionalInt64(1), row.int64(2))
        }
        guard let found else {
            throw LedgerError.notFound(.key, name, "\(prefix)key \(name) is not registered in this ledger", hint: .registerKey(name))
        }
        if let revoked = found.revoked {
            throw LedgerError(.forbidden, "\(prefix)key \(name) was revoked by entry \(revoked); it cannot \(purpose)")
        }
        if let publicKey, publicKey != found.key {
            throw LedgerError(.forbidden, "\(prefix)this key is not the one registered as \(name)")
        }
        return found.seq
    }
}
