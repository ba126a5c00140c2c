import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A named Ed25519 private key that signs notes.
///
/// Text form (C2SP signed-note / Go `note.NewSigner`):
/// `PRIVATE+KEY+name+hex8keyid+base64(0x01 ‖ 32-byte seed)`, where the key ID is that of the
/// corresponding public key. The text is a secret; `description` never reveals it.
public struct NoteSigningKey: Sendable {
    /// The key name.
    public let name: String
    /// The key ID of the corresponding public key.
    public let keyID: UInt32
    private let privateKey: Curve25519.Signing.PrivateKey

    private static let prefix = "PRIVATE+KEY+"

    /// Generates a new random key named `name`.
    public static func generate(name: String) throws(NoteKeyError) -> NoteSigningKey {
        try NoteSigningKey(name: name, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Wraps an existing Ed25519 private key under `name`.
    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws(NoteKeyError) {
        guard NoteKey.isValidName(name) else { throw .invalidName }
        self.name = name
        self.privateKey = privateKey
        self.keyID = NoteKey.keyID(name: name, publicKey: privateKey.publicKey)
    }

    /// Parses the text form strictly; the stated key ID must match the public key derived
    /// from the seed.
    public init(_ text: String) throws(NoteKeyError) {
        guard text.hasPrefix(Self.prefix) else { throw .malformed }
        let (name, statedID, seed) = try NoteKey.parseEncodedKey(text.dropFirst(Self.prefix.count))
        let privateKey: Curve25519.Signing.PrivateKey
        do {
            privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        } catch {
            throw .wrongKeyLength(seed.count)
        }
        let computed = NoteKey.keyID(name: name, publicKey: privateKey.publicKey)
        guard statedID == computed else { throw .keyIDMismatch(stated: statedID, computed: computed) }
        self.name = name
        self.keyID = statedID
        self.privateKey = privateKey
    }

    /// The secret text form `PRIVATE+KEY+name+hex8keyid+base64(0x01 ‖ seed)`.
    public var text: String {
        Self.prefix + NoteKey.encodeKey(name: name, keyID: keyID, key: [UInt8](privateKey.rawRepresentation))
    }

    /// The matching public verifier key.
    public var verifierKey: NoteVerifierKey {
        // The name was validated when this key was created.
        NoteVerifierKey(validatedName: name, rawPublicKey: [UInt8](privateKey.publicKey.rawRepresentation))
    }

    /// The 64-byte Ed25519 signature of `message` (without the key ID prefix).
    public func signature(for message: some DataProtocol) throws -> [UInt8] {
        [UInt8](try privateKey.signature(for: message))
    }
}

extension NoteSigningKey: CustomStringConvertible {
    /// `name+hex8keyid (private)`; never the secret key material.
    public var description: String { "\(name)+\(ByteEncoding.hex32(keyID)) (private)" }
}
