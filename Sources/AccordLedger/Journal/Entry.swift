import AccordTrust
import Crypto

/// Whose clock stamped an entry's `recordedAt`.
public enum RecordingClock: UInt8, Sendable, Equatable {
    /// The system clock of the machine that wrote it.
    case system = 0
    /// A time set by the operator (a clock override), not the clock: shown as such
    /// by `history` and the audit.
    case overridden = 1

    /// `system` or `overridden`, as listings and JSON show it.
    public var word: String { self == .system ? "system" : "overridden" }
}

/// One journal entry: the header every entry has, and its payload.
///
/// ``encoded()`` gives the canonical bytes that are stored and hashed into the
/// Merkle tree; ``decode(_:)`` refuses any byte string that ``encoded()``
/// would not produce. docs/JOURNAL.md specifies both format versions: this
/// code writes version 2 and reads 1 and 2.
public struct Entry: Hashable, Sendable {
    /// The version of the canonical encoding this code writes.
    public static let formatVersion: UInt8 = 2

    /// The format version of these bytes (1 for entries written before version 2).
    public var version: UInt8
    /// The entry's position in the journal, from 1, without gaps.
    public var seq: Int64
    /// When it was recorded, by ``clock``.
    public var recordedAt: Timestamp
    /// Whose clock set ``recordedAt`` (always `.system` in version 1).
    public var clock: RecordingClock
    /// Who recorded it (a user name, a token's name, a key's actor).
    public var actor: String
    /// The leaf hash of entry `seq - 1` (nil for the first entry).
    public var previousHash: Hash32?
    /// The registered key that signs this entry, if any.
    public var signer: String?
    /// The digest of the ledger's state after this entry (see docs/JOURNAL.md,
    /// "State roots"): present on the last entry of each write transaction.
    public var stateRoot: Hash32?
    /// What the entry records.
    public var payload: Payload

    /// An entry from its fields, as the journal writer builds it before hashing.
    public init(seq: Int64, recordedAt: Timestamp, clock: RecordingClock = .system, actor: String, previousHash: Hash32?,
                signer: String?, stateRoot: Hash32? = nil, payload: Payload, version: UInt8 = Entry.formatVersion) {
        self.version = version
        self.seq = seq
        self.recordedAt = recordedAt
        self.clock = clock
        self.actor = actor
        self.previousHash = previousHash
        self.signer = signer
        self.stateRoot = stateRoot
        self.payload = payload
    }

    /// The entry's kind, from its payload.
    public var kind: EntryKind { payload.kind }

    /// The canonical bytes.
    public func encoded() -> [UInt8] {
        var writer = CanonicalWriter(version: version)
        writer.u8(version)
        writer.u64(UInt64(seq))
        writer.i64(recordedAt.milliseconds)
        if version >= 2 { writer.u8(clock.rawValue) }
        writer.string(actor)
        writer.optional(previousHash) { $0.raw($1.bytes) }
        writer.optionalString(signer)
        if version >= 2 { writer.optional(stateRoot) { $0.raw($1.bytes) } }
        writer.u8(kind.code)
        payload.write(to: &writer)
        return writer.bytes
    }

    /// What a signature covers. In versions 2 and 3, the *claim*: a domain
    /// tag, the kind, the actor and the payload, but not the seq, time, chain
    /// or state root, so that the claim keeps its signature wherever it is
    /// recorded. In version 3 (a *portable* claim, docs/JOURNAL.md §4c) each
    /// reference to another entry is written as that entry's name, not its
    /// seq (`name` gives it: ``Ledger/referenceName(of:in:)``), so that an
    /// entry of a field ledger that corroborates or corrects another keeps its
    /// signature in the mission ledger, where both have other seqs. In
    /// version 1, the whole entry.
    public func signedBytes(naming name: (Int64) throws -> String) rethrows -> [UInt8] {
        guard version >= 2 else { return encoded() }
        var names: [Int64: String]?
        if version >= 3 {
            var named: [Int64: String] = [:]
            for seq in payload.references { named[seq] = try name(seq) }
            names = named
        }
        return Claim.encode(kind: kind, actor: actor, payload: payload, version: version, names: names)
    }

    /// What a signature covers, for an entry whose claim names no other
    /// entry: version 1 or 2, or a version-3 entry without a reference
    /// (a version-3 entry with one needs ``signedBytes(naming:)``).
    public func signedBytes() -> [UInt8] {
        signedBytes(naming: { Ledger.derivedID(ledgerID: "", seq: $0) })
    }

    /// "accord claim v2" and a NUL: no entry's bytes start this way (they start with the version byte).
    static let claimTag: [UInt8] = Array("accord claim v2".utf8) + [0]
    /// "accord claim v3" and a NUL: the tag of a portable claim.
    static let portableClaimTag: [UInt8] = Array("accord claim v3".utf8) + [0]

    /// The hash that stands for this entry where its state root cannot be
    /// included (the per-commitment evidence chains, which the state root
    /// itself covers): the RFC 6962 leaf hash of the entry encoded without it.
    public var contentHash: Hash32 {
        var copy = self
        copy.stateRoot = nil
        return Merkle.leafHash(copy.encoded())
    }

    /// Decodes canonical bytes.
    /// - Throws: ``CanonicalReader/Failure`` naming the byte offset and what is wrong.
    static func decode(_ bytes: [UInt8]) throws -> Entry {
        var reader = CanonicalReader(bytes)
        let version = try reader.u8()
        guard (1...3).contains(version) else {
            throw CanonicalReader.Failure(offset: 0, reason: "unknown format version \(version)")
        }
        reader.version = version
        let seq = try reader.u64()
        guard seq >= 1, seq <= UInt64(Int64.max) else {
            throw CanonicalReader.Failure(offset: 1, reason: "seq \(seq) is out of range")
        }
        let recordedAt = Timestamp(milliseconds: try reader.i64())
        var clock = RecordingClock.system
        if version >= 2 {
            let offset = reader.offset
            guard let value = RecordingClock(rawValue: try reader.u8()) else {
                throw CanonicalReader.Failure(offset: offset, reason: "unknown clock code")
            }
            clock = value
        }
        let actor = try reader.string()
        let previousOffset = reader.offset
        let previous = try reader.optional { try $0.hash() }
        guard (previous == nil) == (seq == 1) else {
            throw CanonicalReader.Failure(offset: previousOffset, reason: "only the first entry has no previous hash")
        }
        let signer = try reader.optionalString()
        let stateRoot = version >= 2 ? try reader.optional { try $0.hash() } : nil
        let codeOffset = reader.offset
        let code = try reader.u8()
        guard let kind = EntryKind(code: code) else {
            throw CanonicalReader.Failure(offset: codeOffset, reason: "\(code) is not a known entry kind")
        }
        let payload = try Payload.read(kind, from: &reader)
        try reader.finish()
        return Entry(seq: Int64(seq), recordedAt: recordedAt, clock: clock, actor: actor, previousHash: previous,
                     signer: signer, stateRoot: stateRoot, payload: payload, version: version)
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

extension CanonicalReader {
    mutating func hash() throws -> Hash32 {
        let raw = try raw(32)
        guard let hash = Hash32(bytes: raw) else { throw fail("bad hash") }
        return hash
    }
}

extension Entry {
    /// The recording time at its fixed place in an entry's bytes (the i64 of
    /// bytes 10–17, counting from 1, in every version), read without decoding
    /// the rest: the journal keeps no other copy of it (schema 20). Nil when
    /// the bytes are of no known version or too short to hold it.
    static func recordedAt(in bytes: [UInt8]) -> Timestamp? {
        guard bytes.count >= 17, (1...3).contains(bytes[0]) else { return nil }
        var value: UInt64 = 0
        for index in 9..<17 { value = value << 8 | UInt64(bytes[index]) }
        return Timestamp(milliseconds: Int64(bitPattern: value))
    }

    /// The actor's UTF-8 bytes as an entry's bytes hold them (the `str` after
    /// the time, and after the clock byte in versions 2 and 3), read without
    /// decoding the rest: the journal keeps no other copy of the actor
    /// (schema 20). Nil when the bytes are of no known version or too short
    /// to hold it. The bytes are not checked to be UTF-8 here.
    static func actorBytes(in bytes: [UInt8]) -> ArraySlice<UInt8>? {
        guard bytes.count >= 17, (1...3).contains(bytes[0]) else { return nil }
        let start = bytes[0] == 1 ? 17 : 18
        guard bytes.count >= start + 4 else { return nil }
        var length = 0
        for index in start..<(start + 4) { length = length << 8 | Int(bytes[index]) }
        guard bytes.count - (start + 4) >= length else { return nil }
        return bytes[(start + 4)..<(start + 4 + length)]
    }
}
