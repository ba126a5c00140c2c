#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AccordLedger
import AccordTrust

/// Key files: a private key file holds one line,
/// `PRIVATE+KEY+<name>+<keyid>+<base64>`; its public file (`FILE.pub`)
/// holds `<name>+<keyid>+<base64>`, the form checkpoint verifiers use. The
/// engine parses their text (``Keys``); reading and writing the files is here.
extension Keys {
    /// Generates a key pair named `name`, writing the private key to `path`
    /// (mode 0600) and the public key to `path.pub`. Refuses to overwrite.
    /// - Returns: the public key text.
    /// - Throws: ``LedgerError`` `.invalid` for a bad name, `.conflict` for an existing file.
    public static func generate(name: String, path: String) throws -> String {
        let key = try newSigningKey(name: name)
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
    /// - Throws: ``LedgerError`` `.invalid` naming the file.
    public static func signingKey(at path: String) throws -> NoteSigningKey {
        try signingKey(text: try readSmallFile(path, field: .keyFile, ifMissing: .generateKey), source: path)
    }

    /// Reads a public key file (or the public half of a private key file).
    /// - Throws: ``LedgerError`` `.invalid` naming the file.
    public static func verifierKey(at path: String) throws -> NoteVerifierKey {
        try verifierKey(text: try readSmallFile(path, field: .publicKeyFile, ifMissing: .generateKey), source: path)
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

extension Keys {
    /// Reads a request file written by `accord key request`.
    /// - Throws: ``LedgerError`` `.badInput` naming the file.
    public static func request(at path: String) throws -> KeyRequest {
        try KeyRequest(parsing: try readSmallFile(path, field: .keyRequest), source: path)
    }

    /// Writes a request file atomically.
    public static func writeRequest(_ request: KeyRequest, to path: String) throws {
        try AtomicFile.write(request.text + "\n", to: path)
    }
}

extension KeySigner {
    /// Loads the key from a private key file.
    public init(path: String) throws {
        self.init(key: try Keys.signingKey(at: path))
    }
}
