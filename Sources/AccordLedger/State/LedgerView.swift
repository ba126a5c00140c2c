import AccordStorage
import AccordTrust

/// The ledger as known at one entry, inside a read transaction: the file
/// itself at its head, with the projections checked against the state root
/// of its last entry; or, for an earlier entry, a scratch copy rebuilt from
/// the journal up to it (so an "as of" answer comes from the journal alone).
final class LedgerView {
    let db: Database
    /// The last entry this view reflects (the last entry of `db`).
    let seq: Int64
    /// That entry, decoded and checked to re-encode to its stored bytes.
    let last: Entry?
    /// Those bytes as stored (none for an empty journal).
    private let lastBytes: [UInt8]
    /// The scratch copy behind an earlier view (kept alive as long as the view).
    private let scratch: ScratchLedger?
    private var verified: VerifiedState?
    /// Every verification and every breach, each kind read once per view.
    private var books: (verifications: EvidenceBook?, breaches: EvidenceBook?)

    /// True for the file itself; false for a copy rebuilt up to an earlier entry.
    var isHead: Bool { scratch == nil }

    /// A view of the file at its head.
    /// - Throws: ``LedgerError`` `.tampered` when its schema is not the one
    ///   the migrations create, or its last entry does not read back.
    init(head db: Database) throws {
        try Ledger.requireUnalteredSchema(db, reading: true)
        self.db = db
        scratch = nil
        guard let found = try Self.journalEnd(db) else {
            seq = 0
            last = nil
            lastBytes = []
            return
        }
        guard let entry = try? Entry.decodeCanonical(found.bytes), entry.seq == found.seq else {
            throw LedgerError(.tampered, "the journal's last entry (\(found.seq)) does not read back as written", hint: .audit)
        }
        seq = found.seq
        last = entry
        lastBytes = found.bytes
    }

    /// A view of a scratch copy rebuilt from the journal up to its last entry.
    private init(replayed scratch: ScratchLedger, db: Database) throws {
        self.scratch = scratch
        self.db = db
        var found: [UInt8]?
        try db.forEach("SELECT entry FROM journal ORDER BY seq DESC LIMIT 1") { row in found = row.blob(0) }
        last = try found.map { try Entry.decode($0) }
        lastBytes = found ?? []
        seq = last?.seq ?? 0
    }

    /// The journal's last entry, its seq and its bytes as stored; nil for an empty journal.
    static func journalEnd(_ db: Database) throws -> (seq: Int64, bytes: [UInt8])? {
        var found: (seq: Int64, bytes: [UInt8])?
        try db.forEach("SELECT seq, entry FROM journal ORDER BY seq DESC LIMIT 1") { row in found = (row.int64(0), row.blob(1)) }
        return found
    }

    /// A way for another thread to read what this view reads, through a
    /// connection of its own; nil for a scratch copy or an in-memory ledger.
    var sibling: SiblingReader? {
        guard isHead, let opener = db.readOpener else { return nil }
        return SiblingReader(opener: opener, seq: seq, lastBytes: lastBytes)
    }

    /// The projections a report reads, checked against the state root of the
    /// last entry (read once per view). From ``VerifiedState/parallelMinimum``
    /// entries, a view of the file reads part of them on a second thread,
    /// through ``sibling``.
    /// - Throws: ``LedgerError`` `.tampered` when they do not match.
    func state() throws -> VerifiedState {
        if let verified { return verified }
        if scratch == nil, seq > 0, last?.stateRoot == nil {
            throw LedgerError(.tampered, "the journal ends on entry \(seq), which carries no state root as the last entry of "
                              + "every write does: it ends in the middle of a write", hint: .audit)
        }
        let state = try VerifiedState.load(db, expected: last?.stateRoot, headSeq: seq,
                                           sibling: seq >= VerifiedState.parallelMinimum ? sibling : nil)
        verified = state
        return state
    }

    /// Every record of `kind`, checked against every commitment's evidence
    /// chain (read once per view). The breaches a listing, the report's
    /// guarantees or a history shows for some commitments come from here: the
    /// records moved to one from another commitment by a correction are known
    /// only from the rows, and a row deleted (or an index that leaves it out)
    /// would hide one whose chain a lookup by commitment never reads. Every
    /// chain read, none can be hidden. (Verifications filtered by commitment
    /// are looked up instead, for cost, and held to the checked totals:
    /// ``verifications(of:)``, docs/JOURNAL.md, "What reads check".)
    /// - Throws: ``LedgerError`` `.tampered` naming the commitment whose chain differs.
    func evidence(_ kind: Record.Kind) throws -> EvidenceBook {
        if let book = kind == .verification ? books.verifications : books.breaches { return book }
        let book = try EvidenceBook.load(self, kind: kind, owners: nil)
        if kind == .verification { books.verifications = book } else { books.breaches = book }
        return book
    }

    /// The seq and Merkle root this view reflects: the root recomputed from
    /// the stored tree nodes and the leaf hashes of the entries after the
    /// last cached block (computed from their bytes), which the stored right
    /// edge must match. The block of 1,024 holding the last entry is always
    /// hashed from the entries, never taken from the cache (even at a size
    /// that is a multiple of 1,024): the cached nodes and the edge can both
    /// be rewritten, so only hashing the last entry ties it, its state root
    /// and the projections checked against that to the root printed.
    /// - Throws: ``LedgerError`` `.tampered` when they differ.
    func stamp() throws -> LedgerStamp {
        var stamp = LedgerStamp(seq: seq, treeSize: seq, root: try verifiedRoot().hex, ledgerID: try state().ledgerID)
        if let origin = try Ledger.fieldOrigin(db) {
            var counts: (Int64, Int64, Int64) = (0, 0, 0)
            try db.forEach("""
                SELECT count(*) - count(r.adopted = 1 OR NULL), count(*) - count(r.mission_seq), count(r.adopted = 1 OR NULL)
                FROM journal AS j LEFT JOIN field_receipts AS r ON r.seq = j.seq
                WHERE j.seq <= ? AND j.kind_code IN (\(Ledger.pushableKindList))
                """, [seq]) { counts = ($0.int64(0), $0.int64(1), $0.int64(2)) }
            stamp.fieldCopy = FieldCopy(missionID: origin.missionID, missionSeq: origin.missionSeq, localEntries: counts.0,
                                        unacknowledged: counts.1, missionEvidence: origin.evidenceSeq != nil || counts.2 > 0 ? counts.2 : nil,
                                        evidenceSeq: origin.evidenceSeq,
                                        notAdopted: origin.evidenceSeq == nil ? 0 : try db.scalarInt("SELECT count(*) FROM field_skipped") ?? 0)
        }
        return stamp
    }
}

extension LedgerView {
    /// The Merkle root of this view's `seq` entries as ``stamp()`` prints it:
    /// the block of 1,024 holding the last entry hashed from the entries, the
    /// rest from the cached nodes, and the whole equal to the stored edge.
    /// - Throws: ``LedgerError`` `.tampered` when they differ.
    func verifiedRoot() throws -> Hash32 {
        let source = JournalHashSource(db: db, hashing: seq > 0 ? UInt64(seq - 1) : nil)
        let root = try Merkle.root(size: UInt64(seq), source: source)
        var stored: MerkleFrontier?
        try db.forEach("SELECT hashes FROM merkle_frontier WHERE id = 1") { row in
            stored = try? MerkleFrontier(serialized: row.blob(0))
        }
        if seq > 0, stored?.size != UInt64(seq) || stored?.root != root {
            throw LedgerError(.tampered, "the ledger has been altered: the stored edge of the Merkle tree does not match the "
                              + "journal's \(seq) entries", hint: .audit)
        }
        return root
    }

    /// Checks that the first `size` entries, replayed into a copy whose root
    /// is `prefixRoot`, are those of this (head) view's tree with root
    /// `root`: the consistency proof between the two, built from this
    /// ledger's nodes and entries, must verify. And, when `next` is given,
    /// that entry `next`'s bytes as stored are that entry of the tree (its
    /// inclusion proof), so what was read from them (its recording time) is
    /// the journal's.
    /// - Throws: ``LedgerError`` `.tampered` when either does not verify.
    func checkPrefix(_ size: Int64, prefixRoot: Hash32, root: Hash32, next: Int64?) throws {
        let source = JournalHashSource(db: db, hashing: UInt64(seq - 1))
        let proof = try Merkle.consistencyProof(oldSize: UInt64(size), newSize: UInt64(seq), source: source)
        do {
            try Merkle.verifyConsistency(oldSize: UInt64(size), newSize: UInt64(seq), oldRoot: prefixRoot, newRoot: root, proof: proof)
        } catch {
            throw LedgerError(.tampered, "the ledger has been altered: its first \(size) entries are not those of the tree of its "
                              + "\(seq) entries", hint: .audit)
        }
        guard let next else { return }
        let leaf = try source.leafHashes(UInt64(next - 1)..<UInt64(next)).first
        let path = try Merkle.inclusionProof(index: UInt64(next - 1), size: UInt64(seq), source: source)
        guard let leaf, (try? Merkle.verifyInclusion(leafHash: leaf, index: UInt64(next - 1), size: UInt64(seq), proof: path,
                                                     root: root)) != nil else {
            throw LedgerError(.tampered, "the ledger has been altered: journal entry \(next) is not that of the tree of its "
                              + "\(seq) entries", hint: .audit)
        }
    }
}

extension Ledger {
    /// Runs `body` with a view of the ledger as known at `asOf` (default: now),
    /// inside one read transaction.
    ///
    /// At the head the view is the file, its projections checked against the
    /// journal's state root (cheap: it reads what a report reads). Before the
    /// head it is a scratch copy rebuilt from entries 1 through the one
    /// `asOf` names (its cost grows with that number of entries).
    /// - Parameter restartable: see ``Database/read(restartable:_:)``.
    /// - Throws: ``LedgerError`` `.badInput` for an `asOf` beyond the head or
    ///   before the first entry; `.tampered` when what is read does not check.
    func reading<T>(asOf: AsOf?, restartable: Bool = true, _ body: (LedgerView) throws -> T) throws -> T {
        try LedgerError.translating {
            try database.read(restartable: restartable) { db in
                let view = try LedgerView(head: db)
                let target = try LedgerView.resolve(asOf, head: view.seq, db: db)
                guard target < view.seq else { return try body(view) }
                // The copy is tied to the head's tree: the replayed entries are its first `target`, and when a
                // time chose them, the entry after them (recorded after that time) is the tree's too.
                let root = try view.verifiedRoot()
                var next: Int64?
                if case .time? = asOf { next = target + 1 }
                let scratch = try ScratchLedger.replaying(db, through: target, directory: settings.scratchDirectory)
                return try scratch.database.read { copy in
                    let replayed = try LedgerView.replayed(scratch, db: copy)
                    try view.checkPrefix(target, prefixRoot: try replayed.verifiedRoot(), root: root, next: next)
                    return try body(replayed)
                }
            }
        }
    }
}

extension LedgerView {
    static func replayed(_ scratch: ScratchLedger, db: Database) throws -> LedgerView {
        try LedgerView(replayed: scratch, db: db)
    }

    /// The entry `asOf` names: a seq, or the last entry recorded at or before
    /// a time (a date alone: the end of that UTC day), by the recording times
    /// inside the entries themselves.
    static func resolve(_ asOf: AsOf?, head: Int64, db: Database) throws -> Int64 {
        switch asOf {
        case nil:
            return head
        case .seq(let seq):
            guard seq <= head else {
                throw LedgerError.invalid(.asOf, "\(option: .asOf) \(seq) is beyond the ledger's last entry, \(head)")
            }
            return seq
        case .time(let moment):
            // A date alone means the end of that day (UTC).
            let limit = moment.hasTime ? moment.timestamp : Timestamp(milliseconds: (moment.day + 1) * 86_400_000 - 1)
            guard let seq = try lastEntry(recordedBy: limit, head: head, db: db) else {
                throw LedgerError.invalid(.asOf, "\(option: .asOf) \(moment): the ledger has no entry recorded at or before then")
            }
            return seq
        }
    }

    /// The last entry of 1…`head` recorded at or before `limit`, nil when the
    /// first is recorded after it: a binary search over seq on the time each
    /// entry's bytes hold (the journal keeps no other copy of it, schema 20),
    /// about log2(head) entries read. Recording times never decrease along the
    /// journal (the audit checks it), so this is the greatest such seq; on a
    /// journal where they do, it is still one whose entry is recorded at or
    /// before `limit` and whose next entry (if any) after it.
    /// - Throws: ``LedgerError`` `.tampered` when an entry's bytes hold no time.
    static func lastEntry(recordedBy limit: Timestamp, head: Int64, db: Database) throws -> Int64? {
        let statement = try db.cached("SELECT substr(entry, 1, 17) FROM journal WHERE seq = ?")
        func time(_ seq: Int64) throws -> Timestamp {
            try statement.bind(seq, at: 1)
            defer { statement.reset() }
            guard try statement.step(), let time = Entry.recordedAt(in: statement.blob(0)) else {
                throw LedgerError(.tampered, "journal entry \(seq) is missing or holds no recording time", hint: .audit)
            }
            return time
        }
        // Invariant: entry `low` is recorded at or before `limit` (or low is 0), entry `high + 1` after it (or high is head).
        var (low, high) = (Int64(0), head)
        while low < high {
            let middle = high - (high - low) / 2  // the upper middle, without overflow at any head
            if try time(middle) <= limit { low = middle } else { high = middle - 1 }
        }
        return low == 0 ? nil : low
    }
}

extension LedgerView {
    /// Whether a record can count against its commitment: always for a
    /// verification; for a breach, when it names the commitment's obligor and
    /// falls within the commitment's window (from its agreement's date, for a
    /// quantity or an action), as in force on the day it was observed.
    func inForce(_ record: Record) throws -> Bool {
        try state().inForce(record)
    }
}
