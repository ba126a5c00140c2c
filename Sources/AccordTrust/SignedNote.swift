#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A C2SP signed note (https://c2sp.org/signed-note, the format of
/// golang.org/x/mod/sumdb/note): a text ending in a newline, a blank line, and one or more
/// signature lines `— <key name> base64(key ID ‖ signature)`.
///
/// ```
/// If you think cryptography is the answer to your problem,
/// then you don't know what your problem is.
///
/// — PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=
/// ```
///
/// `SignedNote(parsing:)` checks only the syntax. Use ``open(_:verifiers:)`` (or
/// ``verify(with:)``) to accept a note: its text must be ignored unless a trusted key signed it.
public struct SignedNote: Hashable, Sendable {
    /// The signed text, including its final newline (but not the separating blank line).
    public let text: String
    /// The signatures, in the order they appear.
    public let signatures: [NoteSignature]

    /// At most this many signature lines are accepted (the spec requires at least 16).
    public static let maximumSignatureCount = 100

    /// The UTF-8 of "— " (em dash U+2014, space) that starts every signature line.
    private static let signaturePrefix: [UInt8] = [0xE2, 0x80, 0x94, 0x20]
    private static let newline = UInt8(ascii: "\n")

    private init(validatedText text: String, signatures: [NoteSignature]) {
        self.text = text
        self.signatures = signatures
    }

    // MARK: Signing

    /// Signs `text` with each key, in order.
    ///
    /// - Throws: ``SignedNoteError/invalidText`` unless `text` is non-empty, ends with a
    ///   newline and has no control character other than newline;
    ///   ``SignedNoteError/noSigningKeys`` for an empty key list;
    ///   ``SignedNoteError/duplicateSigner(name:keyID:)`` if two keys share a name and ID;
    ///   or the signing error.
    public static func sign(_ text: String, with keys: [NoteSigningKey]) throws -> SignedNote {
        try checkText(Array(text.utf8))
        guard !keys.isEmpty else { throw SignedNoteError.noSigningKeys }
        var note = SignedNote(validatedText: text, signatures: [])
        var seen: Set<NoteSignature.KeyIdentity> = []
        for key in keys {
            guard seen.insert(.init(name: key.name, keyID: key.keyID)).inserted else {
                throw SignedNoteError.duplicateSigner(name: key.name, keyID: key.keyID)
            }
            note = try note.adding(signatureBy: key)
        }
        return note
    }

    /// This note with a signature by `key` appended, replacing any existing signature
    /// with the same key name and ID (as Go's `note.Sign` does). Use this to cosign.
    public func adding(signatureBy key: NoteSigningKey) throws -> SignedNote {
        let signature = try key.signature(for: Array(text.utf8))
        var kept = signatures.filter { $0.name != key.name || $0.keyID != key.keyID }
        guard kept.count < Self.maximumSignatureCount else { throw SignedNoteError.tooManySignatures }
        kept.append(NoteSignature(name: key.name, keyID: key.keyID, signature: signature))
        return SignedNote(validatedText: text, signatures: kept)
    }

    /// The encoded note: text, blank line, one line per signature.
    public var formatted: String {
        text + "\n" + signatures.map { $0.line + "\n" }.joined()
    }

    // MARK: Parsing

    /// Parses an encoded note, checking its syntax only (no signature is verified).
    ///
    /// Rejects invalid UTF-8, control characters other than newline, a missing blank line
    /// before the signatures, signature blocks that are empty or do not end in a newline,
    /// malformed signature lines (wrong prefix, invalid key name, non-canonical base64,
    /// fewer than 5 decoded bytes) and more than ``maximumSignatureCount`` signatures.
    public init(parsing message: some Collection<UInt8>) throws(SignedNoteError) {
        let bytes = Array(message)
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .invalidUTF8 }
        guard !bytes.contains(where: { $0 < 0x20 && $0 != Self.newline }) else {
            throw .controlCharacter
        }
        // The text ends at the last blank line; the signature block follows it.
        guard let split = Self.lastBlankLine(in: bytes) else { throw .missingSignatureBlock }
        let textBytes = bytes[...split]
        let block = bytes[(split + 2)...]
        guard let last = block.last, last == Self.newline else { throw .missingSignatureBlock }

        var signatures: [NoteSignature] = []
        for line in block.dropLast().split(separator: Self.newline, omittingEmptySubsequences: false) {
            guard signatures.count < Self.maximumSignatureCount else { throw .tooManySignatures }
            signatures.append(try Self.parseSignatureLine(line))
        }
        self.init(validatedText: String(decoding: textBytes, as: UTF8.self), signatures: signatures)
    }

    /// Parses an encoded note given as a string; see ``init(parsing:)``.
    public init(parsing message: String) throws(SignedNoteError) {
        try self.init(parsing: Array(message.utf8))
    }

    private static func lastBlankLine(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == newline && bytes[index + 1] == newline { return index }
            index -= 1
        }
        return nil
    }

    private static func parseSignatureLine(_ line: ArraySlice<UInt8>) throws(SignedNoteError) -> NoteSignature {
        guard line.starts(with: signaturePrefix) else { throw .malformedSignatureLine }
        let rest = line.dropFirst(signaturePrefix.count)
        guard let space = rest.firstIndex(of: UInt8(ascii: " ")) else { throw .malformedSignatureLine }
        let name = String(decoding: rest[..<space], as: UTF8.self)
        let encoded = String(decoding: rest[(space + 1)...], as: UTF8.self)
        guard NoteKey.isValidName(name),
              let decoded = ByteEncoding.decodeBase64(encoded), decoded.count >= 5
        else { throw .malformedSignatureLine }
        let keyID = decoded.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return NoteSignature(name: name, keyID: keyID, signature: Array(decoded.dropFirst(4)))
    }

    private static func checkText(_ bytes: [UInt8]) throws(SignedNoteError) {
        guard let last = bytes.last, last == newline,
              !bytes.contains(where: { $0 < 0x20 && $0 != newline })
        else { throw .invalidText }
    }

    // MARK: Verification

    /// Verifies the signatures against the known keys (C2SP signed-note §Signatures).
    ///
    /// A signature whose key name *and* ID match a known key must verify, otherwise the
    /// whole note is rejected; other signatures are reported as unknown. At least one known
    /// key must have signed.
    ///
    /// - Throws: ``SignedNoteError/invalidSignature(name:keyID:)``,
    ///   ``SignedNoteError/ambiguousKey(name:keyID:)`` when two different known keys share a
    ///   name and ID and one is used, or ``SignedNoteError/noVerifiedSignature(unknown:)``.
    public func verify(with verifiers: [NoteVerifierKey]) throws(SignedNoteError) -> VerifiedNote {
        let message = Array(text.utf8)
        var verified: [NoteVerifierKey] = []
        var unknown: [NoteSignature] = []
        for signature in signatures {
            let candidates = Set(verifiers.filter {
                $0.name == signature.name && $0.keyID == signature.keyID
            })
            guard let key = candidates.first else {
                if !unknown.contains(signature) { unknown.append(signature) }
                continue
            }
            guard candidates.count == 1 else {
                throw .ambiguousKey(name: signature.name, keyID: signature.keyID)
            }
            guard signature.signature.count == 64,
                  key.isValidSignature(signature.signature, for: message)
            else { throw .invalidSignature(name: signature.name, keyID: signature.keyID) }
            if !verified.contains(key) { verified.append(key) }
        }
        guard !verified.isEmpty else { throw .noVerifiedSignature(unknown: unknown) }
        return VerifiedNote(text: text, verifiedBy: verified, unknownSignatures: unknown)
    }

    /// Parses and verifies an encoded note; see ``init(parsing:)`` and ``verify(with:)``.
    public static func open(
        _ message: some Collection<UInt8>, verifiers: [NoteVerifierKey]
    ) throws(SignedNoteError) -> VerifiedNote {
        try SignedNote(parsing: message).verify(with: verifiers)
    }

    /// Parses and verifies an encoded note given as a string.
    public static func open(
        _ message: String, verifiers: [NoteVerifierKey]
    ) throws(SignedNoteError) -> VerifiedNote {
        try SignedNote(parsing: message).verify(with: verifiers)
    }
}

/// One signature line of a signed note.
public struct NoteSignature: Hashable, Sendable {
    /// The signing key's name.
    public let name: String
    /// The signing key's ID.
    public let keyID: UInt32
    /// The signature bytes after the key ID (64 bytes for Ed25519).
    public let signature: [UInt8]

    /// Creates a signature line value.
    public init(name: String, keyID: UInt32, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// The encoded line, without its newline: `— name base64(keyID ‖ signature)`.
    public var line: String {
        let id = [UInt8(truncatingIfNeeded: keyID >> 24), UInt8(truncatingIfNeeded: keyID >> 16),
                  UInt8(truncatingIfNeeded: keyID >> 8), UInt8(truncatingIfNeeded: keyID)]
        return "\u{2014} \(name) \(ByteEncoding.base64(id + signature))"
    }

    struct KeyIdentity: Hashable {
        let name: String
        let keyID: UInt32
    }
}

/// A note whose signatures were checked against known keys.
public struct VerifiedNote: Hashable, Sendable {
    /// The note text, trustworthy because at least one known key signed it.
    public let text: String
    /// The known keys whose signatures verified, each once, in order of appearance.
    public let verifiedBy: [NoteVerifierKey]
    /// Signatures by keys that are not known (ignored, as the spec requires), without duplicates.
    public let unknownSignatures: [NoteSignature]
}

/// Why a note could not be signed, parsed or verified.
public enum SignedNoteError: Error, Hashable, Sendable {
    /// The text to sign is empty, does not end in a newline, or contains a control character.
    case invalidText
    /// The note is not valid UTF-8.
    case invalidUTF8
    /// The note contains an ASCII control character other than newline.
    case controlCharacter
    /// No blank line separates text and signatures, or the signature block is empty or
    /// does not end in a newline.
    case missingSignatureBlock
    /// A line of the signature block is not `— name base64`, with a valid key name and at
    /// least 5 bytes of canonical base64.
    case malformedSignatureLine
    /// More than ``SignedNote/maximumSignatureCount`` signatures.
    case tooManySignatures
    /// No key was given to sign with (a note needs at least one signature).
    case noSigningKeys
    /// Two signing keys share a name and key ID.
    case duplicateSigner(name: String, keyID: UInt32)
    /// Two different known keys share this name and key ID, and the note uses it
    /// (a 32-bit key ID collision under the same name).
    case ambiguousKey(name: String, keyID: UInt32)
    /// A signature by a known key failed to verify.
    case invalidSignature(name: String, keyID: UInt32)
    /// No known key signed the note; the unknown signatures are attached.
    case noVerifiedSignature(unknown: [NoteSignature])
}
