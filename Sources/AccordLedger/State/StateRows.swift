import AccordStorage
import Crypto

/// The rows of some entities, serialized back to back into one buffer as
/// they are read, and hashed into each entity's leaf (docs/JOURNAL.md,
/// "State roots").
///
/// A report reads every projection row that the state root covers, tens of
/// thousands of rows for a mission of ten thousand commitments: a row is a
/// span of one buffer here, not an array of its own inside an array per
/// table inside a value per entity, and the spans are grouped by entity by
/// counting, not by a dictionary of arrays. A write reads the rows of the
/// few entities it changes the same way, so both hash exactly the same bytes.
struct StateRows {
    /// The entities with at least one row, in the order first seen.
    private(set) var entities: [StateEntity] = []
    private var positions: [StateEntity: Int32] = [:]
    /// The entity of the row added last and its index: a table's rows come
    /// grouped by entity, so most rows need no lookup in ``positions``.
    private var last: (entity: StateEntity, index: Int32)?
    private var bytes: [UInt8] = []
    private var spans: [Span] = []

    /// One row: its entity (an index into `entities`), its table (an index
    /// into the entity kind's tables) and where its bytes are.
    private struct Span {
        var entity: Int32
        var table: Int32
        var start: Int
        var count: Int
    }

    var isEmpty: Bool { entities.isEmpty }
    /// How many rows were added.
    var rowCount: Int { spans.count }

    /// Rows for every entity (a report's check): room reserved up front for
    /// `bytes` of rows and `rows` spans, so that the buffer does not grow by
    /// doubling, each time copied into fresh pages. Reserved memory that is
    /// never written costs no pages.
    init(reserving bytes: Int, rows: Int) {
        self.bytes.reserveCapacity(bytes)
        spans.reserveCapacity(rows)
    }

    /// Rows of a few entities (a write's check).
    init() {}

    /// Adds the current row of a statement (every column, in order) as a row
    /// of `entity` in its kind's table number `table`, serialized as
    /// ``StateDigest/append(_:to:)`` serializes it (text as stored).
    mutating func add(_ row: Row, of entity: StateEntity, table: Int) {
        StateDigest.withColumns(row) { add($0, of: entity, table: table) }
    }

    /// Adds a row read by ``StateDigest/withColumns(_:_:)`` (see ``add(_:of:table:)``).
    mutating func add(_ columns: UnsafeBufferPointer<StoredColumn>, of entity: StateEntity, table: Int) {
        let index: Int32
        if let last, last.entity == entity {
            index = last.index
        } else if let known = positions[entity] {
            index = known
        } else {
            index = Int32(entities.count)
            positions[entity] = index
            entities.append(entity)
        }
        last = (entity, index)
        let start = bytes.count
        StateDigest.append(columns, to: &bytes)
        spans.append(Span(entity: index, table: Int32(table), start: start, count: bytes.count - start))
    }

    /// Adds every row of `other` (read by another connection), as if each
    /// had been added here: an entity of both keeps its place here.
    mutating func append(_ other: StateRows) {
        let offset = bytes.count
        bytes.append(contentsOf: other.bytes)
        let indices = other.entities.map { entity in
            if let known = positions[entity] { return known }
            let index = Int32(entities.count)
            positions[entity] = index
            entities.append(entity)
            return index
        }
        spans.append(contentsOf: other.spans.lazy.map {
            Span(entity: indices[Int($0.entity)], table: $0.table, start: $0.start + offset, count: $0.count)
        })
    }

    /// Each entity's leaf, in the order of ``entities``: SHA-256 over the
    /// entity key and, for each of its kind's tables in order, the table's
    /// name, its row count and its rows in ascending order of their bytes (a
    /// sorted multiset, so the leaf does not depend on the order a query
    /// returned them in).
    func leaves() -> [Hash32Bytes] { hashed().map(\.leaf) }

    /// From how many entities the leaves are hashed on two threads, half
    /// each (a report's check of a whole ledger; a write's few never are):
    /// starting the second costs about as much as hashing a few entities.
    static let parallelMinimum = 512

    /// Each entity's key (its UTF-8) and leaf, in the order of ``entities``;
    /// from ``parallelMinimum`` entities on, the second half on another thread
    /// (`oneThread`: never).
    func hashed(oneThread: Bool = false) -> [(key: [UInt8], leaf: Hash32Bytes)] {
        // The spans grouped by entity, by counting (stable: each entity's spans in the order read).
        var firsts = [Int](repeating: 0, count: entities.count + 1)
        for span in spans { firsts[Int(span.entity) + 1] += 1 }
        for index in entities.indices { firsts[index + 1] += firsts[index] }
        var grouped = [Span](repeating: Span(entity: 0, table: 0, start: 0, count: 0), count: spans.count)
        var next = firsts
        for span in spans {
            grouped[next[Int(span.entity)]] = span
            next[Int(span.entity)] += 1
        }
        let count = entities.count
        guard !oneThread, count >= Self.parallelMinimum else {
            return hashed(entities: 0..<count, spans: grouped[...], firsts: firsts)
        }
        let (half, rows) = (count / 2, self)
        let second = BackgroundWork { [grouped, firsts] in
            rows.hashed(entities: half..<count, spans: grouped[firsts[half]...], firsts: firsts)
        }
        let first = hashed(entities: 0..<half, spans: grouped[..<firsts[half]], firsts: firsts)
        return first + second.value()
    }

    /// The key and leaf of the entities at `range` of ``entities``, whose
    /// spans, grouped by entity, are `spans` (indexed as in the whole group;
    /// `firsts[i]` is where entity `i`'s begin).
    private func hashed(entities range: Range<Int>, spans: ArraySlice<Span>,
                        firsts: [Int]) -> [(key: [UInt8], leaf: Hash32Bytes)] {
        var grouped = spans
        // Each kind's table names as hashed (u32 length, UTF-8), made once.
        var headers: [StateEntity.Kind: [[UInt8]]] = [:]
        var input: [UInt8] = []
        var hashed: [(key: [UInt8], leaf: Hash32Bytes)] = []
        hashed.reserveCapacity(range.count)
        bytes.withUnsafeBytes { base in
            for index in range {
                let entity = entities[index]
                let range = firsts[index]..<firsts[index + 1]
                if range.count > 1 {
                    grouped[range].sort { a, b in
                        a.table != b.table ? a.table < b.table : StateDigest.precedes(base, a.start, a.count, b.start, b.count)
                    }
                }
                let kind = entity.kind
                let names = headers[kind] ?? kind.tables.map { table in
                    var header: [UInt8] = []
                    StateDigest.append(string: table.name, to: &header)
                    return header
                }
                headers[kind] = names
                let key = Array(entity.key.utf8)
                input.removeAll(keepingCapacity: true)
                input.append(contentsOf: StateDigest.leafTag)
                StateDigest.appendU32(&input, UInt32(key.count))
                input.append(contentsOf: key)
                var position = range.lowerBound
                for (table, name) in names.enumerated() {
                    var end = position
                    while end < range.upperBound, grouped[end].table == Int32(table) { end += 1 }
                    input.append(contentsOf: name)
                    StateDigest.appendU32(&input, UInt32(end - position))
                    for span in grouped[position..<end] {
                        StateDigest.appendU32(&input, UInt32(span.count))
                        input.append(contentsOf: UnsafeRawBufferPointer(rebasing: base[span.start..<(span.start + span.count)]))
                    }
                    position = end
                }
                hashed.append((key, SHA256.hash(data: input).byteArray))
            }
        }
        return hashed
    }

    /// The state root over these entities' leaves: each leaf in its
    /// entity's bucket (the first byte of SHA-256 of its key), each bucket
    /// hashed over its (key, leaf) pairs in key order, and the root over the
    /// 256 buckets.
    /// - Returns: the root, and each entity's leaf in the order of ``entities``.
    func root() -> (root: Hash32Bytes, leaves: [Hash32Bytes]) {
        let hashed = hashed()
        var buckets: [Int: [(key: [UInt8], leaf: [UInt8])]] = [:]
        for item in hashed {
            var hasher = SHA256()
            item.key.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            let bucket = hasher.finalize().withUnsafeBytes { Int($0[0]) }
            buckets[bucket, default: []].append(item)
        }
        return (StateDigest.root(buckets.mapValues { StateDigest.bucket(bytes: $0) }), hashed.map(\.leaf))
    }
}

extension StateDigest {
    /// A length-prefixed string: u32 byte count, then its exact UTF-8.
    static func append(string: String, to out: inout [UInt8]) {
        var copy = string
        copy.withUTF8 { utf8 in
            appendU32(&out, UInt32(utf8.count))
            out.append(contentsOf: utf8)
        }
    }

    /// Whether the `aCount` bytes at `aStart` of `base` come before the
    /// `bCount` bytes at `bStart`, as `lexicographicallyPrecedes` orders byte
    /// strings: by the first differing byte, a prefix first.
    static func precedes(_ base: UnsafeRawBufferPointer, _ aStart: Int, _ aCount: Int, _ bStart: Int, _ bCount: Int) -> Bool {
        precedes(base, aStart, aCount, base, bStart, bCount)
    }

    /// ``precedes(_:_:_:_:_:)`` of bytes in two buffers: the `aCount` bytes
    /// at `aStart` of `a` against the `bCount` bytes at `bStart` of `b`.
    static func precedes(_ a: UnsafeRawBufferPointer, _ aStart: Int, _ aCount: Int,
                         _ b: UnsafeRawBufferPointer, _ bStart: Int, _ bCount: Int) -> Bool {
        let common = min(aCount, bCount)
        var index = 0
        // Eight bytes at a time, read big-endian so that numbers order as the bytes do.
        while index + 8 <= common {
            let x = UInt64(bigEndian: a.loadUnaligned(fromByteOffset: aStart + index, as: UInt64.self))
            let y = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: bStart + index, as: UInt64.self))
            if x != y { return x < y }
            index += 8
        }
        while index < common {
            let (x, y) = (a[aStart + index], b[bStart + index])
            if x != y { return x < y }
            index += 1
        }
        return aCount < bCount
    }
}
