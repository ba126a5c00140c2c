import AccordStorage
import AccordTrust
import Crypto

/// Keeps the state root up to date inside one write transaction.
///
/// Before the first change to an entity in the transaction, its rows are
/// hashed and compared with its stored leaf (so an edit made to the file
/// with another tool is refused, not folded into the next root); at the end,
/// the leaves of every changed entity, their buckets and the root are
/// recomputed. The root goes into the last entry of the transaction.
final class StateTracker {
    let db: Database
    /// While projections are rebuilt from the journal (an upgrade), the stored
    /// state is being recreated, so nothing is compared with it.
    let rebuilding: Bool
    private var verified: Set<StateEntity> = []
    private var dirty: Set<StateEntity> = []
    /// Evidence chains of commitments touched in this transaction: (verifications, breaches).
    private var chains: [String: (verifications: [UInt8], breaches: [UInt8])] = [:]
    /// The stored bucket hashes, as verified at the start.
    private var buckets: [Int: [UInt8]] = [:]
    /// What changed since ``beginUndo()``, to take back in ``rollBackUndo()``.
    private var undo: Undo?

    /// The changes of one operation of a batch: entities first marked, and
    /// the evidence chains as they were before it first extended them.
    private struct Undo {
        var verified: [StateEntity] = []
        var dirty: [StateEntity] = []
        var chains: [String: (verifications: [UInt8], breaches: [UInt8])?] = [:]
    }

    /// - Parameter headRoot: the state root of the journal's last entry (nil
    ///   for a new ledger, or one being rebuilt).
    init(db: Database, headRoot: Hash32?, rebuilding: Bool) throws {
        self.db = db
        self.rebuilding = rebuilding
        guard !rebuilding else { return }
        try db.forEach("SELECT bucket, hash FROM state_buckets") { row in buckets[row.int(0)] = row.blob(1) }
        let stored = StateDigest.root(buckets)
        if let headRoot {
            guard stored == headRoot.bytes else {
                throw LedgerError(.tampered, "the stored state index does not match the state root of the journal's last entry; "
                                  + "nothing was written")
            }
        } else if !buckets.isEmpty {
            throw LedgerError(.tampered, "the ledger holds state that no journal entry vouches for; nothing was written")
        }
    }

    /// Marks an entity as about to change, first checking (once per
    /// transaction) that its rows still hash to its stored leaf.
    /// - Throws: ``LedgerError`` `.tampered` naming the entity.
    func willChange(_ entity: StateEntity) throws {
        if dirty.insert(entity).inserted { undo?.dirty.append(entity) }
        guard !rebuilding, verified.insert(entity).inserted else { return }
        undo?.verified.append(entity)
        if case .commitment(let id) = entity { try verifyDaily(id) }
        let computed = try StateTracker.rows(of: entity, db: db).leaves().first
        guard computed == (try storedLeaf(entity)) else {
            throw LedgerError(.tampered, "the rows of \(entity.key) do not match the state recorded in the journal; "
                              + "nothing was written")
        }
    }

    /// Appends entry `seq` to the evidence chain of `commitment` for records of `kind`.
    func chain(_ commitment: String, kind: Record.Kind, seq: Int64, content: Hash32) throws {
        try willChange(.commitment(commitment))
        if undo != nil, undo?.chains.index(forKey: commitment) == nil { undo?.chains[commitment] = .some(chains[commitment]) }
        var pair = try chains[commitment] ?? storedChains(commitment)
        switch kind {
        case .verification: pair.verifications = StateDigest.chain(pair.verifications, seq: seq, content: content.bytes)
        case .breach: pair.breaches = StateDigest.chain(pair.breaches, seq: seq, content: content.bytes)
        }
        chains[commitment] = pair
    }

    /// True when some entity changed since the last ``finish()``.
    var hasChanges: Bool { !dirty.isEmpty }

    /// Starts remembering changes, so that ``rollBackUndo()`` can take them
    /// back (one operation of a batch, rolled back to its savepoint).
    func beginUndo() {
        undo = Undo()
    }

    /// Keeps the changes since ``beginUndo()``.
    func commitUndo() {
        undo = nil
    }

    /// Forgets the changes since ``beginUndo()``: the database was rolled back
    /// to a savepoint taken then, so the rows are as they were.
    func rollBackUndo() {
        guard let undo else { return }
        for entity in undo.verified { verified.remove(entity) }
        for entity in undo.dirty { dirty.remove(entity) }
        for (commitment, before) in undo.chains { chains[commitment] = before }
        self.undo = nil
    }

    /// Writes the digests, leaves and buckets of what changed and returns the new root.
    func finish() throws -> Hash32 {
        // In the order of their keys' bytes, as `StateEntity.<` orders them, each key made once
        // (comparing two entities makes both keys: sorting ten thousand made over 250,000).
        let changed = dirty.map { (key: Array($0.key.utf8), entity: $0) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.entity)
        for entity in changed {
            guard case .commitment(let id) = entity else { continue }
            guard try db.scalarInt("SELECT count(*) FROM commitments WHERE id = ?", id) == 1 else { continue }
            let pair = try chains[id] ?? storedChains(id)
            try db.runChecked("""
                INSERT INTO commitment_digests (commitment, daily, verifications, breaches) VALUES (?, ?, ?, ?)
                ON CONFLICT (commitment) DO UPDATE SET daily = excluded.daily, verifications = excluded.verifications,
                    breaches = excluded.breaches
                """, [id, try StateTracker.daily(id, db: db), pair.verifications, pair.breaches], what: "the digests of \(id)")
        }
        // A ledger being rebuilt (an audit's replay, a copy as of an entry) changes every entity at once: all
        // the rows are then read table by table, as a report reads them, and hashed on two threads.
        let rebuilt = rebuilding && changed.count >= StateRows.parallelMinimum ? try VerifiedState.leaves(db) : nil
        var byBucket: [Int: [StateEntity]] = [:]
        for entity in changed { byBucket[entity.bucket, default: []].append(entity) }
        for (bucket, entities) in byBucket {
            var leaves: [String: [UInt8]] = [:]
            try db.forEach("SELECT entity, hash FROM state_leaves WHERE bucket = ?", [bucket]) { row in
                leaves[row.text(0)] = row.blob(1)
            }
            if !rebuilding {
                let stored = leaves.isEmpty ? nil : StateDigest.bucket(leaves.map { ($0.key, $0.value) })
                guard stored == buckets[bucket] else {
                    throw LedgerError(.tampered, "the stored state index (bucket \(bucket)) does not match the journal; nothing was written")
                }
            }
            for entity in entities {
                let leaf = try rebuilt.map { $0[entity] } ?? StateTracker.rows(of: entity, db: db).leaves().first
                if let leaf {
                    leaves[entity.key] = leaf
                    try db.runChecked("""
                        INSERT INTO state_leaves (bucket, entity, hash) VALUES (?, ?, ?)
                        ON CONFLICT (bucket, entity) DO UPDATE SET hash = excluded.hash
                        """, [bucket, entity.key, leaf], what: "the state of \(entity.key)")
                } else {
                    leaves[entity.key] = nil
                    try db.run("DELETE FROM state_leaves WHERE bucket = ? AND entity = ?", bucket, entity.key)
                }
            }
            if leaves.isEmpty {
                buckets[bucket] = nil
                try db.run("DELETE FROM state_buckets WHERE bucket = ?", bucket)
            } else {
                let hash = StateDigest.bucket(leaves.map { ($0.key, $0.value) })
                buckets[bucket] = hash
                try db.runChecked("""
                    INSERT INTO state_buckets (bucket, hash) VALUES (?, ?)
                    ON CONFLICT (bucket) DO UPDATE SET hash = excluded.hash
                    """, [bucket, hash], what: "the state index")
            }
        }
        dirty.removeAll()
        chains.removeAll()
        verified.removeAll()
        guard let root = Hash32(bytes: StateDigest.root(buckets)) else {
            throw LedgerError(.failure, "the state root is not 32 bytes")
        }
        return root
    }

    private func storedLeaf(_ entity: StateEntity) throws -> [UInt8]? {
        var leaf: [UInt8]?
        try db.forEach("SELECT hash FROM state_leaves WHERE bucket = ? AND entity = ?", [entity.bucket, entity.key]) { row in
            leaf = row.blob(0)
        }
        return leaf
    }

    private func storedChains(_ commitment: String) throws -> (verifications: [UInt8], breaches: [UInt8]) {
        var pair = (verifications: StateDigest.emptyChain, breaches: StateDigest.emptyChain)
        try db.forEach("SELECT verifications, breaches FROM commitment_digests WHERE commitment = ?", [commitment]) { row in
            pair = (row.blob(0), row.blob(1))
        }
        return pair
    }

    /// The stored digest of a commitment's per-day totals must be the digest
    /// of the rows that are there (reports at a past date read those rows).
    private func verifyDaily(_ commitment: String) throws {
        var stored: [UInt8]?
        try db.forEach("SELECT daily FROM commitment_digests WHERE commitment = ?", [commitment]) { row in stored = row.blob(0) }
        let computed = try StateTracker.daily(commitment, db: db)
        guard stored == computed || (stored == nil && computed == StateTracker.emptyDaily) else {
            throw LedgerError(.tampered, "the per-day totals of commitment \(commitment) do not match the state recorded in "
                              + "the journal; nothing was written")
        }
    }

    // MARK: Reading an entity's rows

    /// The entity's rows, table by table, through point queries, serialized
    /// as a report's scan serializes them (text as stored).
    static func rows(of entity: StateEntity, db: Database) throws -> StateRows {
        var rows = StateRows()
        for (index, table) in entity.kind.tables.enumerated() {
            let sql = table.column.map { "SELECT * FROM \(table.name) WHERE \($0) = ?" } ?? "SELECT * FROM \(table.name)"
            try db.forEach(sql, table.column == nil ? [] : [table.holdsKey ? entity.key : entity.id]) { row in
                rows.add(row, of: entity, table: index)
            }
        }
        return rows
    }

    /// The digest of a commitment's per-day totals and per-day sources (the
    /// days of its `source_totals` rows, each as the row it stands for).
    static func daily(_ commitment: String, db: Database) throws -> [UInt8] {
        var digest = DailyDigest()
        let totals = try db.cached(DailyDigest.totalsSQL)
        try totals.bind(commitment, at: 1)
        let rows = totals.cursor()
        while let row = try rows.next() {
            digest.add(totals: row)
        }
        let statement = try db.cached(DailyDigest.sourcesSQL)
        try statement.bind(commitment, at: 1)
        let cursor = statement.cursor()
        while let row = try cursor.next() {
            try digest.add(sourceTotals: row)
        }
        return digest.finish()
    }

    static let emptyDaily = DailyDigest().finish()
}
