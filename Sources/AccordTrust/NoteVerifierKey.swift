import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A named Ed25519 public key that verifies signed-note signatures.
///
/// Text form (C2SP signed-note / Go `note.NewVerifier`): `name+hex8keyid+base64(0x01 ‖ pubkey)`,
/// for example `PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW`.
public struct NoteVerifierKey: Hashable, Sendable {
    /// The key name.
    public let name: String
    /// The key ID derived from the name and public key.
    public let keyID: UInt32
    /// The raw 32-byte Ed25519 public key.
    public let publicKeyBytes: [UInt8]

    /// Creates a verifier key for `publicKey` under `name`.
    public init(name: String, publicKey: Curve25519.Signing.PublicKey) throws(NoteKeyError) {
        guard NoteKey.isValidName(name) else { throw .invalidName }
        self.init(validatedName: name, rawPublicKey: [UInt8](publicKey.rawRepresentation))
    }

    /// For a name already checked with ``NoteKey/isValidName(_:)`` and a 32-byte key.
    init(validatedName name: String, rawPublicKey: [UInt8]) {
        self.name = name
        self.publicKeyBytes = rawPublicKey
        self.keyID = NoteKey.keyID(name: name, rawPublicKey: rawPublicKey)
    }

    /// Parses the text form strictly: a valid name, eight lowercase hex digits matching the
    /// key ID computed from the key, and canonical base64 of `0x01` followed by 32 bytes.
    public init(_ text: String) throws(NoteKeyError) {
        let (name, statedID, key) = try NoteKey.parseEncodedKey(text[...])
        let computed = NoteKey.keyID(name: name, rawPublicKey: key)
        guard statedID == computed else { throw .keyIDMismatch(stated: statedID, computed: computed) }
        self.name = name
        self.keyID = statedID
        self.publicKeyBytes = key
    }

    /// The text form `name+hex8keyid+base64(0x01 ‖ pubkey)`.
    public var text: String {
        NoteKey.encodeKey(name: name, keyID: keyID, key: publicKeyBytes)
    }

    /// Whether `signature` (64 bytes, without the key ID) is a valid Ed25519 signature
    /// of `message` by this key.
    public func isValidSignature(_ signature: some DataProtocol, for message: some DataProtocol) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKeyBytes) else {
            return false
        }
        return key.isValidSignature(signature, for: message)
    }
}

extension NoteVerifierKey: CustomStringConvertible {
    /// The text form.
    public var description: String { text }
}
