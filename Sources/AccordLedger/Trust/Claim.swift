import AccordStorage
import Crypto
import Dispatch

/// What a signature over a version-2 entry covers (docs/JOURNAL.md §4, "What
/// is signed"): `"accord claim v2" 0x00 ‖ u8 kind ‖ str actor ‖ payload`. Not
/// the seq, time, chain or state root: so a claim can be prepared by one
/// request, signed by the key's holder elsewhere, and recorded by the next
/// request at whatever seq the journal has reached then.
public struct Claim: Sendable, Equatable {
    /// The bytes a signature covers (``Entry/signedBytes(naming:)``).
    public let bytes: [UInt8]
    /// The kind of entry it records.
    public let kind: EntryKind
    /// Who makes the claim (the entry's actor).
    public let actor: String
    /// What it records. In a portable claim (``version`` 3) its reference to
    /// another entry is not a seq (it reads 0): ``references`` names it.
    public let payload: Payload
    /// 2, or 3 for a portable claim (docs/JOURNAL.md §4c).
    public let version: UInt8
    /// In a portable claim, the name of the entry its payload refers to
    /// (a record's external id, or `<ledger id prefix>:<seq>`); empty otherwise.
    public let references: [String]

    /// Decodes claim bytes, refusing anything that is not exactly a claim as
    /// the ledger writes it: another tag (an entry's bytes, a key's proof of
    /// possession), an unknown kind, a payload that does not decode, bytes
    /// left over, or a non-canonical encoding.
    /// - Throws: ``LedgerError`` `.invalid(.claim)` saying what and at which byte.
    public init(decoding bytes: [UInt8]) throws {
        let version: UInt8
        if bytes.starts(with: Entry.claimTag) {
            version = 2
        } else if bytes.starts(with: Entry.portableClaimTag) {
            version = 3
        } else {
            throw LedgerError.invalid(.claim, "these bytes are not an Accord claim: a claim starts with its tag, the text "
                                      + "\(String(decoding: Entry.claimTag.dropLast(), as: UTF8.self)) (or v3) and a NUL byte")
        }
        var reader = CanonicalReader(bytes)
        reader.version = version
        if version == 3 { reader.names = [] }
        let kind: EntryKind
        let actor: String
        let payload: Payload
        do {
            _ = try reader.raw(Entry.claimTag.count)
            let codeOffset = reader.offset
            let code = try reader.u8()
            guard let known = EntryKind(code: code) else {
                throw CanonicalReader.Failure(offset: codeOffset, reason: "\(code) is not a known entry kind")
            }
            kind = known
            actor = try reader.string()
            payload = try Payload.read(kind, from: &reader)
            try reader.finish()
        } catch let failure as CanonicalReader.Failure {
            throw LedgerError.invalid(.claim, "the claim does not decode: \(failure)")
        }
        let references = reader.names ?? []
        let names = version == 3 ? Dictionary(uniqueKeysWithValues: references.first.map { [(Int64(0), $0)] } ?? []) : nil
        guard references.count <= 1,
              Claim.encode(kind: kind, actor: actor, payload: payload, version: version, names: names) == bytes else {
            throw LedgerError.invalid(.claim, "the claim is not in canonical form")
        }
        self.bytes = bytes
        self.kind = kind
        self.actor = actor
        self.payload = payload
        self.version = version
        self.references = references
    }

    /// The claim's bytes, as ``Entry/signedBytes(naming:)`` writes them for
    /// an entry of `version` 2 or 3 (then with `names`, by seq, for its references).
    static func encode(kind: EntryKind, actor: String, payload: Payload, version: UInt8 = 2,
                       names: [Int64: String]? = nil) -> [UInt8] {
        var writer = CanonicalWriter(version: version, names: version >= 3 ? (names ?? [:]) : nil)
        writer.raw(version >= 3 ? Entry.portableClaimTag : Entry.claimTag)
        writer.u8(kind.code)
        writer.string(actor)
        payload.write(to: &writer)
        return writer.bytes
    }

    /// What the claim says, field by field, for a person to read before
    /// signing it: the payload's fields where it has a record's or a
    /// definition's, else its one-line summary; then its reason, if any.
    public var fields: [(name: String, value: String)] {
        var fields = PayloadFields.fields(payload)?.filter { !$0.value.isEmpty } ?? [("summary", payload.summary)]
        if let reason = payload.reason { fields.append(("reason", reason)) }
        return fields
    }
}

/// A signer that signs nothing: asked to sign, it keeps the claim and stops
/// the write with a refusal, so the write's savepoint rolls back and nothing
/// is recorded. A batch reports such a write as ``OperationResult/prepared(_:)``:
/// the claim the ledger would sign for these fields now, through the same
/// code that records them (every check a real write makes has passed, the
/// signer's included: a registered, unrevoked key, and the actor rule).
public final class ClaimCapture: EntrySigner, @unchecked Sendable {
    /// The registered key the claim is prepared for.
    public let keyName: String
    // Touched only through `lock` (sync): that is what makes the class Sendable.
    private var kept: Claim?
    private let lock = DispatchQueue(label: "accord.claim-capture")

    /// A capture in the name of the registered key `keyName`.
    public init(keyName: String) {
        self.keyName = keyName
    }

    /// The claim it was asked to sign, once it was.
    public var claim: Claim? { lock.sync { kept } }

    /// Keeps the claim, and refuses to sign it.
    /// - Throws: ``LedgerError`` `.invalid(.signature)`, always.
    public func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        let claim = try Claim(decoding: bytes)
        lock.sync { kept = claim }
        throw LedgerError.invalid(.signature, "the claim was prepared for signing, not signed; nothing was written")
    }
}

/// A signature made elsewhere: the holder of a registered key signed a
/// prepared claim (``ClaimCapture``) and sent the signature with the same
/// fields. Asked to sign the claim the ledger built from those fields now,
/// it returns the signature only if it verifies over exactly those bytes with
/// the key's public key; the ledger checks that this public key is the one
/// registered under ``keyName`` (``EntrySigner/verifyingKey``).
public struct ClaimSignature: EntrySigner {
    /// The registered key that signed.
    public let keyName: String
    /// The key's 32-byte Ed25519 public key.
    public let publicKey: [UInt8]
    /// The 64-byte Ed25519 signature sent.
    public let signature: [UInt8]

    /// The `signature` sent for the key `keyName`, whose public key is `publicKey`.
    public init(keyName: String, publicKey: [UInt8], signature: [UInt8]) {
        self.keyName = keyName
        self.publicKey = publicKey
        self.signature = signature
    }

    /// ``publicKey``: the ledger refuses it unless it is the one registered.
    public var verifyingKey: [UInt8]? { publicKey }

    /// ``signature``: a claim with it is recorded once.
    public var presentedSignature: [UInt8]? { signature }

    /// The signature, when it verifies over `bytes`.
    /// - Throws: ``LedgerError`` `.invalid(.signature)` when it does not:
    ///   not a signature over this claim by this key (the fields differ, the
    ///   ledger's state changed since the claim was prepared, or another key
    ///   signed it).
    public func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        guard signature.count == 64, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
              key.isValidSignature(signature, for: bytes) else {
            throw LedgerError.invalid(.signature, "\(Field.signature): not a signature by key \(keyName) over the claim these "
                                      + "fields make now (the fields differ from those prepared, another key signed it, or "
                                      + "the ledger changed since it was prepared); prepare the claim again, sign it, and "
                                      + "send the new signature; nothing was written")
        }
        return signature
    }
}

extension Ledger {
    /// The 32-byte public key registered under `name` (revoked or not), or
    /// nil when no key has that name.
    /// - Throws: ``LedgerError``.
    public func publicKey(ofKey name: String) throws -> [UInt8]? {
        try LedgerError.translating {
            var key: [UInt8]?
            try database.forEach("SELECT public_key FROM keys WHERE name = ?", [name]) { row in key = row.blob(0) }
            return key
        }
    }
}
