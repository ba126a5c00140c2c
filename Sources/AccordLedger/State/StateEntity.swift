import AccordStorage
import Crypto

/// Something the state root covers: one leaf each (docs/JOURNAL.md, "State roots").
///
/// An entity's leaf hashes every projection row that describes it and that
/// reports read whole: a commitment's definition rows, its running totals,
/// its source counts, its disputed contributions, and its digests (of its
/// per-day totals, and the chains over the entries behind its records).
enum StateEntity: Hashable, Comparable {
    case ledger
    case party(String)
    case agreement(String)
    case commitment(String)
    case guarantee(String)
    case key(String)
    case token(String)

    /// `party:UA`, `commitment:UA-release`, `ledger`.
    var key: String {
        switch self {
        case .ledger: "ledger"
        case .party(let id): "party:" + id
        case .agreement(let id): "agreement:" + id
        case .commitment(let id): "commitment:" + id
        case .guarantee(let id): "guarantee:" + id
        case .key(let name): "key:" + name
        case .token(let name): "token:" + name
        }
    }

    static func < (lhs: StateEntity, rhs: StateEntity) -> Bool {
        Array(lhs.key.utf8).lexicographicallyPrecedes(rhs.key.utf8)
    }

    /// Which of the 256 buckets holds the leaf: the first byte of SHA-256(key).
    var bucket: Int { StateEntity.bucket(of: key) }

    static func bucket(of key: String) -> Int {
        Int(SHA256.hash(data: Array(key.utf8)).withUnsafeBytes { $0[0] })
    }

    /// The projection tables whose rows make up an entity's leaf, each with the
    /// column naming the entity (nil: every row of the table). In a table
    /// shared by several kinds of entity (`amendments`, `voids`) the column
    /// holds the entity's whole key (`commitment:UA-release`).
    struct Table: Hashable {
        var name: String
        var column: String?
        var holdsKey = false

        static func shared(_ name: String) -> Table { Table(name: name, column: "entity", holdsKey: true) }
    }

    /// The entity a key names (`party:UA` …), or nil.
    init?(key: String) {
        if key == "ledger" {
            self = .ledger
            return
        }
        // Split at the first colon byte: as a Character, a colon followed by a
        // combining mark is one character, not a colon.
        let utf8 = key.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let id = String(Substring(utf8[utf8.index(after: colon)...]))
        switch Substring(utf8[..<colon]) {
        case "party": self = .party(id)
        case "agreement": self = .agreement(id)
        case "commitment": self = .commitment(id)
        case "guarantee": self = .guarantee(id)
        case "key": self = .key(id)
        case "token": self = .token(id)
        default: return nil
        }
    }

    enum Kind: CaseIterable {
        case ledger, party, agreement, commitment, guarantee, key, token

        /// The tables of this kind's entities, in the order their leaves hash them.
        var tables: [Table] {
            switch self {
            case .ledger: Kind.ledgerTables
            case .party: Kind.partyTables
            case .agreement: Kind.agreementTables
            case .commitment: Kind.commitmentTables
            case .guarantee: Kind.guaranteeTables
            case .key: Kind.keyTables
            case .token: Kind.tokenTables
            }
        }

        // Built once: a report asks for them for every row it reads.
        private static let ledgerTables = [Table(name: "ledger", column: nil)]
        private static let partyTables = [Table(name: "parties", column: "id"), .shared("amendments"), .shared("voids")]
        private static let agreementTables = [Table(name: "agreements", column: "id"), .shared("amendments"), .shared("voids")]
        private static let commitmentTables = [
            Table(name: "commitments", column: "id"), Table(name: "reciprocals", column: "commitment"),
            Table(name: "dependencies", column: "commitment"), Table(name: "withdrawals", column: "commitment"),
            Table(name: "commitment_totals", column: "commitment"), Table(name: "commitment_sources", column: "commitment"),
            Table(name: "disputed_contributions", column: "commitment"),
            Table(name: "commitment_digests", column: "commitment"), .shared("amendments"), .shared("voids"),
        ]
        private static let guaranteeTables = [
            Table(name: "guarantees", column: "id"), Table(name: "guarantee_covers", column: "guarantee"),
            Table(name: "invocations", column: "guarantee"), .shared("amendments"), .shared("voids"),
        ]
        private static let keyTables = [Table(name: "keys", column: "name")]
        private static let tokenTables = [Table(name: "tokens", column: "name")]

        func entity(_ id: String) -> StateEntity {
            switch self {
            case .ledger: .ledger
            case .party: .party(id)
            case .agreement: .agreement(id)
            case .commitment: .commitment(id)
            case .guarantee: .guarantee(id)
            case .key: .key(id)
            case .token: .token(id)
            }
        }
    }

    var kind: Kind {
        switch self {
        case .ledger: .ledger
        case .party: .party
        case .agreement: .agreement
        case .commitment: .commitment
        case .guarantee: .guarantee
        case .key: .key
        case .token: .token
        }
    }

    /// The entity's id (its key without the kind).
    var id: String {
        switch self {
        case .ledger: ""
        case .party(let id), .agreement(let id), .commitment(let id), .guarantee(let id), .key(let id), .token(let id): id
        }
    }
}

/// The bytes of one digest, gathered and hashed in one call. Hashing field by
/// field cost a few hundred instructions per `SHA256.update`, more than the
/// hashing itself for the short fields of a row; the bytes hashed are the
/// same.
struct DigestInput {
    private var bytes: [UInt8]

    init(tag: [UInt8]) {
        bytes = tag
        bytes.reserveCapacity(512)
    }

    mutating func append(_ data: [UInt8]) { bytes.append(contentsOf: data) }
    mutating func append(u32 value: UInt32) { StateDigest.appendU32(&bytes, value) }

    func hash() -> [UInt8] { SHA256.hash(data: bytes).byteArray }
}

typealias Hash32Bytes = [UInt8]

/// The byte forms the state root is built from.
enum StateDigest {
    static let leafTag: [UInt8] = Array("accord state leaf v1".utf8) + [0]
    static let bucketTag: [UInt8] = Array("accord state bucket v1".utf8) + [0]
    static let rootTag: [UInt8] = Array("accord state root v1".utf8) + [0]
    static let dailyTag: [UInt8] = Array("accord daily totals v1".utf8) + [0]
    static let chainTag: [UInt8] = Array("accord evidence chain v1".utf8) + [0]
    /// A chain before its first entry.
    static let emptyChain: [UInt8] = SHA256.hash(data: chainTag).byteArray

    /// One row's canonical bytes: each value as a type tag and its bytes
    /// (text as its exact UTF-8, so look-alike text never compares equal).
    static func serialize(_ values: [DatabaseValue]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 * values.count)
        for value in values {
            switch value {
            case .null:
                out.append(0)
            case .integer(let int):
                out.append(1)
                appendU64(&out, UInt64(bitPattern: int))
            case .real(let double):
                out.append(2)
                appendU64(&out, double.bitPattern)
            case .text(let text):
                out.append(3)
                appendU32(&out, UInt32(text.utf8.count))
                out.append(contentsOf: text.utf8)
            case .blob(let bytes):
                out.append(4)
                appendU32(&out, UInt32(bytes.count))
                out.append(contentsOf: bytes)
            }
        }
        return out
    }

    /// Appends the canonical bytes of one column of a statement's current row (see ``append(_:to:)``,
    /// which reads every column at once).
    static func append(column index: Int32, of row: Row, to out: inout [UInt8]) {
        let storage = row.storageClass(index)
        switch storage {
        case .null:
            out.append(0)
        case .integer:
            out.append(1)
            appendU64(&out, UInt64(bitPattern: row.int64(index)))
        case .real:
            out.append(2)
            appendU64(&out, row.double(index).bitPattern)
        case .text, .blob:
            out.append(storage == .text ? 3 : 4)
            row.withBytes(index) { bytes in
                appendU32(&out, UInt32(bytes.count))
                out.append(contentsOf: bytes)
            }
        }
    }

    static func appendU32(_ out: inout [UInt8], _ value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    static func appendU64(_ out: inout [UInt8], _ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    /// A bucket's hash over its (key, leaf) pairs in key order.
    static func bucket(_ leaves: [(key: String, leaf: [UInt8])]) -> [UInt8] {
        // Each key's bytes once, not once per comparison.
        bucket(bytes: leaves.map { (Array($0.key.utf8), $0.leaf) })
    }

    /// ``bucket(_:)`` for keys given as their UTF-8.
    static func bucket(bytes leaves: [(key: [UInt8], leaf: [UInt8])]) -> [UInt8] {
        var digest = DigestInput(tag: bucketTag)
        for item in leaves.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            digest.append(u32: UInt32(item.key.count))
            digest.append(item.key)
            digest.append(item.leaf)
        }
        return digest.hash()
    }

    /// The root over the 256 buckets (an absent bucket is empty).
    static func root(_ buckets: [Int: [UInt8]]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: rootTag)
        for index in 0..<256 {
            if let hash = buckets[index] {
                withUnsafeBytes(of: UInt8(1)) { hasher.update(bufferPointer: $0) }
                hasher.update(data: hash)
            } else {
                withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
            }
        }
        return hasher.finalize().byteArray
    }

    /// One step of an evidence chain: the chain after entry `seq`, whose
    /// content hash is `content`, was appended.
    static func chain(_ previous: [UInt8], seq: Int64, content: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        withUnsafeBytes(of: UInt64(bitPattern: seq).bigEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(data: content)
        return hasher.finalize().byteArray
    }
}
