import AccordStorage
import AccordTrust

/// A field ledger's history proved from bundle to bundle (docs/JOURNAL.md §8,
/// "The field ledger's history"): the checkpoint each push bundle carries,
/// and the mission's check that it extends the last one it holds.
extension Ledger {
    /// Field side: this ledger's checkpoint for a bundle, kept in
    /// `field_bundles`, with a consistency proof from each checkpoint kept
    /// there (those the mission may hold as the latest it saw).
    /// - Throws: ``LedgerError`` `.tampered` when the journal no longer
    ///   extends a checkpoint an earlier bundle carried.
    static func fieldCheckpoint(_ db: Database) throws -> FieldCheckpoint {
        let stamp = try LedgerView(head: db).stamp()
        guard let root = Hash32(hex: stamp.root) else {
            throw LedgerError(.tampered, "the ledger's Merkle root cannot be read", hint: .audit)
        }
        let source = MemoizingHashSource(db: db, size: stamp.seq)
        var links: [FieldCheckpoint.Link] = []
        var earlier: [(size: Int64, root: [UInt8])] = []
        try db.forEach("SELECT size, root FROM field_bundles ORDER BY size") { earlier.append(($0.int64(0), $0.blob(1))) }
        for (size, stored) in earlier {
            guard size >= 1, size <= stamp.seq else {
                throw LedgerError(.tampered, "this field ledger has \(stamp.seq) entries, but an earlier bundle carried \(size): its "
                                  + "history was cut", hint: .audit)
            }
            let then = try Merkle.root(size: UInt64(size), source: source)
            guard then.bytes == stored else {
                throw LedgerError(.tampered, "this field ledger's first \(size) entries are not those an earlier bundle carried "
                                  + "(root \(hexString(stored))): its history was rewritten", hint: .audit)
            }
            guard size < stamp.seq else { continue }
            links.append(FieldCheckpoint.Link(size: size, root: then,
                                              proof: try Merkle.consistencyProof(oldSize: UInt64(size), newSize: UInt64(stamp.seq),
                                                                                 source: source)))
        }
        try db.run("INSERT OR IGNORE INTO field_bundles (size, root) VALUES (?, ?)", stamp.seq, root.bytes)
        return FieldCheckpoint(size: stamp.seq, root: root, consistency: links)
    }

    /// Mission side: the latest checkpoint of field ledger `field` a bundle proved here.
    func heldFieldCheckpoint(_ field: String) throws -> (size: Int64, root: Hash32)? {
        try LedgerError.translating {
            try database.read { db in
                var held: (size: Int64, root: Hash32)?
                try db.forEach("SELECT size, root FROM field_checkpoints WHERE field = ?", [field]) { row in
                    if let root = Hash32(bytes: row.blob(1)) { held = (row.int64(0), root) }
                }
                return held
            }
        }
    }

    /// Mission side: a bundle's field checkpoint must prove that the field
    /// ledger's history only grew since the latest checkpoint of it held
    /// here: each consistency proof it carries verifies, the one from the
    /// held checkpoint is among them, and every entry is in the tree it
    /// describes. Returns the checkpoint to hold once the bundle is applied
    /// (nil: keep the one held, for a bundle older than it).
    /// - Throws: ``LedgerError`` `.invalid`: the bundle is refused whole.
    func checkFieldHistory(_ bundle: EntriesBundle) throws -> FieldCheckpoint? {
        let held = try heldFieldCheckpoint(bundle.field)
        let at = bundle.checkpointPointer
        func refuse(_ problem: String, at pointer: String) -> LedgerError {
            LedgerError.invalid(nil, "the bundle, at \(pointer): \(problem); it was refused whole and nothing was recorded")
                .pointing(at: pointer)
        }
        guard let checkpoint = bundle.checkpoint else {
            guard let held else { return nil }
            throw refuse("it carries no checkpoint of field ledger \(bundle.field), whose bundle of \(held.size) entries was applied "
                         + "here: nothing shows that its history was not rewritten since", at: "/fieldCheckpoint")
        }
        if let index = bundle.entries.firstIndex(where: { $0.seq > checkpoint.size }) {
            throw refuse("field entry \(bundle.entries[index].seq) is beyond the field ledger's checkpoint of \(checkpoint.size) entries",
                         at: "\(bundle.pointers[index])/seq")
        }
        for (index, link) in checkpoint.consistency.enumerated() {
            do {
                try Merkle.verifyConsistency(oldSize: UInt64(link.size), newSize: UInt64(checkpoint.size), oldRoot: link.root,
                                             newRoot: checkpoint.root, proof: link.proof)
            } catch {
                throw refuse("the field ledger's tree of \(link.size) entries is not proved a prefix of its tree of \(checkpoint.size) "
                             + "(\(error))", at: "\(at)/consistency/\(index)")
            }
        }
        guard let held else { return checkpoint }
        if held.size > checkpoint.size { return nil }
        if held.size == checkpoint.size {
            guard held.root == checkpoint.root else {
                throw refuse("field ledger \(bundle.field)'s \(held.size) entries had another root in a bundle applied here: its "
                             + "history was rewritten", at: "\(at)/root")
            }
            return nil
        }
        guard checkpoint.link(from: held.size, root: held.root) != nil else {
            throw refuse("it carries no proof that field ledger \(bundle.field)'s history extends its \(held.size) entries of a bundle "
                         + "applied here (root \(held.root.hex)): it was rewritten, or the field ledger lost track of that bundle",
                         at: "\(at)/consistency")
        }
        return checkpoint
    }
}
