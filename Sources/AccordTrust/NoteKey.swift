import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Rules shared by C2SP signed-note keys (https://c2sp.org/signed-note), as implemented by
/// golang.org/x/mod/sumdb/note. Only Ed25519 keys (signature type `0x01`) are supported.
public enum NoteKey {
    /// The signature type identifier byte of Ed25519 note signatures.
    public static let ed25519Algorithm: UInt8 = 0x01

    /// Whether `name` may name a key: non-empty, without `+`, without any Unicode white
    /// space, and (stricter than the spec, since such a key could never sign a valid note)
    /// without ASCII control characters.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            scalar != "+" && scalar.value >= 0x20 && !scalar.properties.isWhitespace
        }
    }

    /// The key ID: the first four bytes, big-endian, of
    /// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte Ed25519 public key).
    public static func keyID(name: String, publicKey: Curve25519.Signing.PublicKey) -> UInt32 {
        keyID(name: name, rawPublicKey: [UInt8](publicKey.rawRepresentation))
    }

    /// The key id of a note key: the first four bytes (big-endian) of SHA-256 over the key's name, a newline, the algorithm byte and the raw public key (C2SP signed-note).
    public static func keyID(name: String, rawPublicKey: [UInt8]) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8))
        hasher.update(data: [0x0A, ed25519Algorithm])
        hasher.update(data: rawPublicKey)
        return hasher.finalize().withUnsafeBytes { raw in
            raw.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
    }

    /// Splits `name+hex8+base64` into its parts and checks the name, the ID syntax and the
    /// algorithm byte; returns the name, the ID and the raw key bytes after the algorithm byte.
    static func parseEncodedKey(
        _ text: Substring
    ) throws(NoteKeyError) -> (name: String, keyID: UInt32, key: [UInt8]) {
        guard let firstPlus = text.firstIndex(of: "+") else { throw .malformed }
        let name = String(text[..<firstPlus])
        let rest = text[text.index(after: firstPlus)...]
        guard let secondPlus = rest.firstIndex(of: "+") else { throw .malformed }
        guard isValidName(name) else { throw .invalidName }
        guard let keyID = ByteEncoding.parseLowercaseHex32(rest[..<secondPlus]) else {
            throw .malformed
        }
        guard let decoded = ByteEncoding.decodeBase64(rest[rest.index(after: secondPlus)...]),
              let algorithm = decoded.first
        else { throw .malformed }
        guard algorithm == ed25519Algorithm else { throw .unknownAlgorithm(algorithm) }
        let key = Array(decoded.dropFirst())
        guard key.count == 32 else { throw .wrongKeyLength(key.count) }
        return (name, keyID, key)
    }

    /// `name+hex8+base64(0x01 ‖ key)`.
    static func encodeKey(name: String, keyID: UInt32, key: some Collection<UInt8>) -> String {
        "\(name)+\(ByteEncoding.hex32(keyID))+\(ByteEncoding.base64([ed25519Algorithm] + Array(key)))"
    }
}

/// Why a note key could not be created or parsed.
public enum NoteKeyError: Error, Hashable, Sendable {
    /// The key name is empty or contains `+`, white space or a control character.
    case invalidName
    /// The text is not of the form `name+hex8+base64` (or `PRIVATE+KEY+name+hex8+base64`),
    /// the ID is not eight lowercase hex digits, or the base64 is not canonical.
    case malformed
    /// The key's signature type byte is not `0x01` (Ed25519).
    case unknownAlgorithm(UInt8)
    /// The key is not 32 bytes after the algorithm byte.
    case wrongKeyLength(Int)
    /// The key ID in the text is not the one the name and public key determine.
    case keyIDMismatch(stated: UInt32, computed: UInt32)
}
