import AccordStorage
import AccordTrust
import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monitor keys: Ed25519 keys in the C2SP signed-note key format, kept in
/// files outside the ledger.
///
/// A private key file holds one line, `PRIVATE+KEY+<name>+<keyid>+<base64>`;
/// its public file (`FILE.pub`) holds `<name>+<keyid>+<base64>`, the form
/// checkpoint verifiers use.
public enum Keys {
    /// The 8-hex-digit key id of the C2SP note format.
    static func keyIDHex(name: String, publicKey: [UInt8]) -> String {
        ByteEncoding.hex32(NoteKey.keyID(name: name, rawPublicKey: publicKey))
    }

    /// Generates a key pair named `name`, writing the private key to `path`
    /// (mode 0600) and the public key to `path.pub`. Refuses to overwrite.
    /// - Returns: the public key text.
    /// - Throws: ``LedgerError`` `.badInput` for a bad name or an existing file.
    public static func generate(name: String, path: String) throws -> String {
        guard NoteKey.isValidName(name) else {
            throw LedgerError.invalid(.keyName, "key name '\(TextRules.printable(name))' may not be empty or contain '+', spaces or "
                                      + "control characters")
        }
        try checkName(name)
        let key: NoteSigningKey
        do {
            key = try NoteSigningKey.generate(name: name)
        } catch {
            throw LedgerError.invalid(.keyName, "cannot make a key named \(name): \(error)")
        }
        let publicText = key.verifierKey.text
        try writeNew(path, key.text + "\n", mode: 0o600)
        do {
            try writeNew(path + ".pub", publicText + "\n", mode: 0o644)
        } catch {
            unlink(path)
            throw error
        }
        return publicText
    }

    /// Reads a private key file.
    /// - Throws: ``LedgerError`` `.badInput` naming the file.
    public static func signingKey(at path: String) throws -> NoteSigningKey {
        let text = try readSmallFile(path, field: .keyFile, ifMissing: .generateKey)
        do {
            return try NoteSigningKey(TextRules.trimmed(text))
        } catch {
            if (try? NoteVerifierKey(TextRules.trimmed(text))) != nil {
                throw LedgerError.invalid(.keyFile, "\(path) is a public key", hint: .usePrivateKey)
            }
            throw LedgerError.invalid(.keyFile, "\(path) is not an Accord private key (PRIVATE+KEY+name+id+base64): \(error)")
        }
    }

    /// Reads a public key file (or the public half of a private key file).
    /// - Throws: ``LedgerError`` `.badInput` naming the file.
    public static func verifierKey(at path: String) throws -> NoteVerifierKey {
        let text = TextRules.trimmed(try readSmallFile(path, field: .publicKeyFile, ifMissing: .generateKey))
        if text.hasPrefix("PRIVATE+KEY+") {
            throw LedgerError.invalid(.publicKeyFile, "\(path) holds a private key; register the public one (\(path).pub)")
        }
        do {
            return try NoteVerifierKey(text)
        } catch {
            throw LedgerError.invalid(.publicKeyFile, "\(path) is not a public key (name+id+base64): \(error)")
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

    /// - Parameter ifMissing: what to do when there is no such file (a key that does not exist yet is made, not found).
    static func readSmallFile(_ path: String, field: Field, ifMissing: Hint? = nil) throws -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let code = errno
            throw LedgerError.invalid(field, "\(field) \(path): \(String(cString: strerror(code)))", hint: code == ENOENT ? ifMissing : nil)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LedgerError.invalid(field, "\(field) \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > 1 << 20 { throw LedgerError.invalid(field, "\(field) \(path) is too large to be a key or checkpoint") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LedgerError.invalid(field, "\(field) \(path) is not UTF-8 text")
        }
        return text
    }

    /// Writes a new file (never replacing one), flushed to disk.
    static func writeNew(_ path: String, _ text: String, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else {
            if errno == EEXIST {
                throw LedgerError(.conflict(.file(path)), "\(TextRules.printable(path)) already exists; choose another file")
            }
            throw writeError(path, errno)
        }
        defer { close(descriptor) }
        try AtomicFile.writeAll(descriptor, Array(text.utf8), path: path)
        guard fsync(descriptor) == 0 else { throw writeError(path, errno) }
    }

    static func writeError(_ path: String, _ code: Int32) -> LedgerError {
        LedgerError.writing(path, code: code)
    }
}

/// Signs entries with a monitor's private key.
public struct KeySigner: EntrySigner {
    public let key: NoteSigningKey

    public init(key: NoteSigningKey) {
        self.key = key
    }

    /// Loads the key from a private key file.
    public init(path: String) throws {
        self.key = try Keys.signingKey(at: path)
    }

    public var keyName: String { key.name }

    /// The 32-byte public key.
    public var publicKey: [UInt8] { key.verifierKey.publicKeyBytes }

    /// ``publicKey``: the ledger refuses it unless it is the one registered.
    public var verifyingKey: [UInt8]? { publicKey }

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

extension Keys {
    /// Writes a signed checkpoint atomically (never half a file).
    public static func writeCheckpoint(_ note: String, to path: String) throws {
        try AtomicFile.write(note, to: path)
    }

    /// Reads a signed checkpoint file.
    public static func readCheckpoint(at path: String) throws -> String {
        try readSmallFile(path, field: .checkpoint)
    }
}
