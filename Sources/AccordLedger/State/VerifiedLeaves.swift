import AccordStorage
import AccordTrust

/// The stored leaves of the state root (`state_leaves`), each bucket checked
/// against the stored bucket hashes and those against the state root of the
/// journal's last entry: what a read of a few entities (the server's tokens)
/// compares their rows with, without reading every projection as a report does.
struct VerifiedLeaves {
    /// Entity key → leaf, every one vouched for by the state root.
    let leaves: [String: [UInt8]]

    /// Reads and checks the stored leaves against the head of `view`.
    /// - Throws: ``LedgerError`` `.tampered` when a leaf, bucket or the root differs.
    init(_ view: LedgerView) throws {
        let db = view.db
        var buckets: [Int: [UInt8]] = [:]
        try db.forEach("SELECT bucket, hash FROM state_buckets NOT INDEXED") { row in buckets[Int(row.int64(0))] = row.blob(1) }
        var byBucket: [Int: [(key: String, leaf: [UInt8])]] = [:]
        var leaves: [String: [UInt8]] = [:]
        try db.forEach("SELECT bucket, entity, hash FROM state_leaves NOT INDEXED") { row in
            let key = row.text(1)
            byBucket[Int(row.int64(0)), default: []].append((key, row.blob(2)))
            leaves[key] = row.blob(2)
        }
        let altered = LedgerError(.tampered, "the ledger has been altered: the stored state does not match the state root of "
                                  + "entry \(view.seq); nothing it holds can be trusted", hint: .audit)
        if view.seq > 0 {
            guard let expected = view.last?.stateRoot else {
                throw LedgerError(.tampered, "the journal ends on entry \(view.seq), which carries no state root as the last entry "
                                  + "of every write does: it ends in the middle of a write", hint: .audit)
            }
            guard StateDigest.root(buckets) == expected.bytes else { throw altered }
        } else if !buckets.isEmpty || !leaves.isEmpty {
            throw altered
        }
        for index in Set(buckets.keys).union(byBucket.keys) {
            guard let stored = buckets[index], let listed = byBucket[index],
                  StateDigest.bucket(listed) == stored, listed.allSatisfy({ StateEntity.bucket(of: $0.key) == index }) else {
                throw altered
            }
        }
        self.leaves = leaves
    }

    /// Checks that the rows read for every entity of `kind` are exactly those
    /// the state root vouches for: each entity's rows hash to its leaf, and no
    /// entity with a leaf is missing.
    /// - Throws: ``LedgerError`` `.tampered` naming the first entity that differs.
    func check(_ kind: StateEntity.Kind, rows: StateRows) throws {
        for (entity, leaf) in zip(rows.entities, rows.leaves()).sorted(by: { $0.0 < $1.0 }) where leaves[entity.key] != leaf {
            throw LedgerError(.tampered, "the ledger has been altered: the rows of \(entity.key) do not match the state "
                              + "recorded in the journal", hint: .audit)
        }
        let present = Set(rows.entities)
        for key in leaves.keys.sorted() {
            guard let entity = StateEntity(key: key), entity.kind == kind, !present.contains(entity) else { continue }
            throw LedgerError(.tampered, "the ledger has been altered: the rows of \(key) are missing", hint: .audit)
        }
    }
}
