import AccordTrust

/// One journal entry: the header every entry has, and its payload.
///
/// ``encoded()`` gives the canonical bytes that are stored, hashed into the
/// Merkle tree and signed; ``decode(_:)`` refuses any byte string that
/// ``encoded()`` would not produce. docs/JOURNAL.md specifies the format.
public struct Entry: Hashable, Sendable {
    /// The version of the canonical encoding this code writes.
    public static let formatVersion: UInt8 = 1

    public var seq: Int64
    public var recordedAt: Timestamp
    public var actor: String
    /// The leaf hash of entry `seq - 1` (nil for the first entry).
    public var previousHash: Hash32?
    /// The registered key that signs this entry, if any.
    public var signer: String?
    public var payload: Payload

    public init(seq: Int64, recordedAt: Timestamp, actor: String, previousHash: Hash32?, signer: String?, payload: Payload) {
        self.seq = seq
        self.recordedAt = recordedAt
        self.actor = actor
        self.previousHash = previousHash
        self.signer = signer
        self.payload = payload
    }

    public var kind: EntryKind { payload.kind }

    /// The canonical bytes.
    public func encoded() -> [UInt8] {
        var writer = CanonicalWriter()
        writer.u8(Entry.formatVersion)
        writer.u64(UInt64(seq))
        writer.i64(recordedAt.milliseconds)
        writer.string(actor)
        writer.optional(previousHash) { $0.raw($1.bytes) }
        writer.optionalString(signer)
        writer.u8(kind.code)
        payload.write(to: &writer)
        return writer.bytes
    }

    /// Decodes canonical bytes.
    /// - Throws: ``CanonicalReader/Failure`` naming the byte offset and what is wrong.
    static func decode(_ bytes: [UInt8]) throws -> Entry {
        var reader = CanonicalReader(bytes)
        let version = try reader.u8()
        guard version == Entry.formatVersion else {
            throw CanonicalReader.Failure(offset: 0, reason: "unknown format version \(version)")
        }
        let seq = try reader.u64()
        guard seq >= 1, seq <= UInt64(Int64.max) else {
            throw CanonicalReader.Failure(offset: 1, reason: "seq \(seq) is out of range")
        }
        let recordedAt = Timestamp(milliseconds: try reader.i64())
        let actor = try reader.string()
        let previousOffset = reader.offset
        let previous = try reader.optional { reader -> Hash32 in
            let raw = try reader.raw(32)
            guard let hash = Hash32(bytes: raw) else { throw reader.fail("bad hash") }
            return hash
        }
        guard (previous == nil) == (seq == 1) else {
            throw CanonicalReader.Failure(offset: previousOffset, reason: "only the first entry has no previous hash")
        }
        let signer = try reader.optionalString()
        let codeOffset = reader.offset
        let code = try reader.u8()
        guard let kind = EntryKind(code: code) else {
            throw CanonicalReader.Failure(offset: codeOffset, reason: "\(code) is not a known entry kind")
        }
        let payload = try Payload.read(kind, from: &reader)
        try reader.finish()
        return Entry(seq: Int64(seq), recordedAt: recordedAt, actor: actor, previousHash: previous,
                     signer: signer, payload: payload)
    }

    /// Decodes and checks that re-encoding gives back exactly the same bytes.
    static func decodeCanonical(_ bytes: [UInt8]) throws -> Entry {
        let entry = try decode(bytes)
        guard entry.encoded() == bytes else {
            throw CanonicalReader.Failure(offset: 0, reason: "bytes are not in canonical form")
        }
        return entry
    }
}
