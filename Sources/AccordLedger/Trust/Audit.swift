import AccordSchema
import AccordStorage
import AccordTrust

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Recomputes everything in a ledger from its raw journal entries, changing nothing.
public enum Audit {
    /// The projection tables and the columns that order them.
    static let projections: [(table: String, key: String)] = [
        ("ledger", "seq"), ("parties", "id"), ("agreements", "id"), ("commitments", "id"), ("reciprocals", "commitment"),
        ("dependencies", "commitment, depends_on"), ("withdrawals", "commitment"), ("guarantees", "id"),
        ("guarantee_covers", "guarantee, commitment"), ("invocations", "seq"), ("external_ids", "id"),
        ("verifications", "seq"), ("breaches", "seq"), ("corroborations", "seq"), ("corrections", "seq"),
        ("retractions", "seq"), ("disputes", "seq"), ("adjudications", "seq"), ("keys", "name"), ("tokens", "name"),
        ("commitment_totals", "commitment, confidence"), ("daily_totals", "commitment, day, confidence"),
        ("source_totals", "commitment, confidence, source"), ("commitment_sources", "commitment, confidence"),
        ("disputed_contributions", "record"), ("commitment_digests", "commitment"), ("state_leaves", "bucket, entity"),
        ("state_buckets", "bucket"), ("amendments", "seq"), ("voids", "seq"),
    ]

    /// Audits the ledger at `path`, opened read-only.
    /// - Parameters:
    ///   - full: recorded in the report; the audit always runs `integrity_check`
    ///     (it once ran `quick_check` unless asked, which does not check indexes).
    ///   - checkpoints: signed checkpoints kept outside the file (their text).
    /// - Throws: ``LedgerError`` only when the file cannot be audited at all
    ///   (missing, not a ledger); damage is reported in the result.
    ///   - trustedKeys: keys the auditor trusts to sign outside checkpoints,
    ///     whatever the ledger registered (so a ledger cannot disown them).
    ///   - requireSigned: every evidence entry (``EntryKind/isEvidence``)
    ///     recorded after the ledger's first admin key must be signed.
    ///   - settings: where the audit makes its scratch copy.
    public static func run(path: String, full: Bool = false, checkpoints: [(name: String, text: String)] = [],
                           trustedKeys: [NoteVerifierKey] = [], requireSigned: Bool = false,
                           settings: LedgerSettings = LedgerSettings()) throws -> AuditReport {
        try run(path: path, full: full, checkpoints: checkpoints, trustedKeys: trustedKeys, requireSigned: requireSigned,
                settings: settings, keepsCheckpointRecords: true)
    }

    /// Audits a ledger rebuilt from a journal export (``JournalReplica``), as
    /// ``run(path:full:checkpoints:trustedKeys:requireSigned:settings:)`` does
    /// a file, except that a checkpoint this ledger's keys signed need not be
    /// recorded in it: the records of the checkpoints a ledger hands out are
    /// kept beside its journal, not in it, so a replica holds none. Each
    /// checkpoint must still be signed by a key the journal registered (or
    /// a trusted one) over a root of the replica's tree.
    /// - Throws: ``LedgerError`` when the replica cannot be read.
    public static func run(_ replica: JournalReplica, full: Bool = false, checkpoints: [(name: String, text: String)] = [],
                           trustedKeys: [NoteVerifierKey] = [], requireSigned: Bool = false,
                           settings: LedgerSettings = LedgerSettings()) throws -> AuditReport {
        try run(path: replica.path, full: full, checkpoints: checkpoints, trustedKeys: trustedKeys, requireSigned: requireSigned,
                settings: settings, keepsCheckpointRecords: false)
    }

    static func run(path: String, full: Bool, checkpoints: [(name: String, text: String)], trustedKeys: [NoteVerifierKey],
                    requireSigned: Bool, settings: LedgerSettings, keepsCheckpointRecords: Bool) throws -> AuditReport {
        var report = AuditReport(path: path, entries: 0, root: nil, ledgerID: nil, storedCheckpoints: 0,
                                 outsideCheckpoints: checkpoints.count, full: full, findings: [])
        report.requireSigned = requireSigned
        let ledger: Ledger
        do {
            ledger = try Ledger.openForAudit(at: path, settings: settings)
            // A file migrated but never given its first entry is not a ledger yet;
            // one whose journal was emptied is audited (an outside checkpoint exposes it).
            if checkpoints.isEmpty, try ledger.isUninitialised() {
                throw LedgerError(.notALedger(.uninitialised), "\(path) was never initialised (its journal is empty)",
                                  hint: .initialise(path))
            }
        } catch let error as LedgerError {
            // A file that was a ledger but no longer opens as one is damaged.
            switch error.kind {
            case .notALedger(.notADatabase), .corrupt:
                guard access(path, F_OK) == 0 else { throw error }
                report.findings.append(AuditFinding(outcome: .corrupt, check: "integrity", seq: nil, error: error))
                return report
            default:
                throw error
            }
        }
        do {
            // The read may run twice (a writer changed the file under a snapshot),
            // so each run starts from the same empty report and returns its own.
            let start = report
            report = try LedgerError.translating {
                try ledger.database.read { db -> AuditReport in
                    var auditor = try Auditor(db: db, path: path, report: start)
                    auditor.scratchDirectory = settings.scratchDirectory
                    auditor.trustedKeys = trustedKeys
                    auditor.requireSigned = requireSigned
                    auditor.keepsCheckpointRecords = keepsCheckpointRecords
                    try auditor.run(full: full, outside: checkpoints)
                    var report = auditor.report
                    // The first failing entry leads; findings without one follow.
                    report.findings = report.findings.enumerated().sorted { a, b in
                        switch (a.element.seq, b.element.seq) {
                        case (let x?, let y?): return x != y ? x < y : a.offset < b.offset
                        case (_?, nil): return true
                        case (nil, _?): return false
                        case (nil, nil): return a.offset < b.offset
                        }
                    }.map(\.element)
                    return report
                }
            }
        } catch let error as LedgerError where error.kind == .corrupt {
            report.findings.append(AuditFinding(outcome: .corrupt, check: "integrity", seq: nil, error: error))
        }
        return report
    }
}

extension Ledger {
    /// True when the journal and every table derived from it are empty: a
    /// file whose creation migrated it but never wrote its first entry.
    func isUninitialised() throws -> Bool {
        try LedgerError.translating {
            try database.read { db in
                let tables = ["journal", "merkle_frontier", "merkle_nodes", "checkpoints"] + Audit.projections.map(\.table)
                for table in tables where try db.tableExists(table) {
                    if try db.scalarInt("SELECT EXISTS (SELECT 1 FROM \(table))") == 1 { return false }
                }
                return true
            }
        }
    }
}

/// One audit run over a read snapshot.
struct Auditor {
    let db: Database
    let path: String
    var report: AuditReport
    /// Stop collecting after this many findings.
    let limit = 100
    /// Keys the auditor trusts for outside checkpoints.
    var trustedKeys: [NoteVerifierKey] = []
    /// Evidence recorded after the first admin key must be signed.
    var requireSigned = false
    /// Whether the ledger keeps a record of each checkpoint it signs (a file
    /// does; a ledger rebuilt from its journal holds none).
    var keepsCheckpointRecords = true
    /// Where the re-derivation's scratch database goes.
    var scratchDirectory = "/tmp"
    /// In a reviewer's field ledger: the local seqs of adopted copies of
    /// the mission's evidence whose mission entry is signed (the copy may be
    /// unsigned: its receipt, checked by ``checkFieldReceipts()``, proves it).
    var signedAtMission: Set<Int64> = []

    init(db: Database, path: String, report: AuditReport) throws {
        self.db = db
        self.path = path
        self.report = report
    }

    mutating func fail(_ outcome: AuditOutcome, _ check: String, _ seq: Int64?, _ detail: Phrase) {
        guard report.findings.count < limit else { return }
        report.findings.append(AuditFinding(outcome: outcome, check: check, seq: seq, phrase: detail))
    }

    /// As ``fail(_:_:_:_:)-(_,_,_,Phrase)``, with words that name no field or hint.
    mutating func fail(_ outcome: AuditOutcome, _ check: String, _ seq: Int64?, _ detail: String) {
        fail(outcome, check, seq, Phrase(verbatim: detail))
    }

    mutating func run(full: Bool, outside: [(name: String, text: String)]) throws {
        guard try checkIntegrity() else { return }
        try checkApplicationID()
        try checkSchema()
        try checkMigrations()
        try? db.forEach("SELECT seq, mission_entry FROM field_receipts WHERE adopted = 1") { row in
            if let entry = try? Entry.decodeCanonical(row.blob(1)), entry.signer != nil { signedAtMission.insert(row.int64(0)) }
        }
        try replayJournal(outside: outside)
        try checkIdempotencyKeys()
        try checkFieldReceipts()
    }

    /// How far a recorded time may run ahead of the clock it is checked
    /// against (the audit's, or a signed checkpoint's) before it is a finding:
    /// clocks of different machines disagree by seconds, rarely by minutes.
    static let clockSkew: Int64 = 5 * 60 * 1000

    /// Reads every entry in order, checking it, and re-derives the projections
    /// into a scratch database to compare with the stored ones.
    mutating func replayJournal(outside: [(name: String, text: String)]) throws {
        let db = self.db  // a local, so closures read it without capturing self
        // The scratch database for the re-derivation.
        var template = Array("\(scratchDirectory)/accord-audit-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw LedgerError(.io, "cannot create a scratch file for the audit: \(String(cString: strerror(errno)))") }
        close(descriptor)
        let scratchPath = String(nulTerminated: template)
        defer {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(scratchPath + suffix) }
        }
        var configuration = Database.Configuration(applicationID: Schema.applicationID)
        configuration.durable = false
        configuration.cacheSize = -65_536
        let replay = try Database(path: scratchPath, mode: .create, configuration: configuration)
        try Migrator(migrations: Schema.migrations).migrate(replay, now: { "" })

        // Stored Merkle nodes and checkpoints, checked as the tree grows.
        var storedNodes: [String: [UInt8]] = [:]
        try readable("merkle_nodes") {
            try db.forEach("SELECT level, idx, hash FROM merkle_nodes") { row in
                storedNodes["\(row.int64(0))/\(row.int64(1))"] = row.blob(2)
            }
        }
        var stored: [StoredCheckpoint] = []
        try readable("checkpoints") {
            try db.forEach("SELECT size, root, key_name, note, signed_at FROM checkpoints ORDER BY size, key_name") { row in
                stored.append(StoredCheckpoint(size: row.int64(0), root: row.blob(1), key: row.bytes(2), note: row.bytes(3), signedAt: row.bytes(4)))
            }
        }
        report.storedCheckpoints = stored.count
        var outsideParsed: [OutsideCheckpoint] = []
        for item in outside {
            do {
                let note = try SignedNote(parsing: item.text)
                let body = try Checkpoint.parse(note.text)
                outsideParsed.append(OutsideCheckpoint(name: item.name, note: note, body: body))
            } catch {
                throw LedgerError.invalid(.checkpoint, "\(item.name) is not a signed checkpoint: \(error)")
            }
        }
        var sizesOfInterest = Set(stored.compactMap { UInt64(exactly: $0.size) })
        for item in outsideParsed { sizesOfInterest.insert(item.body.size) }
        var facts = JournalFacts()
        if sizesOfInterest.contains(0) { facts.roots[0] = Merkle.emptyRoot }

        var frontier = MerkleFrontier()
        var expectedSeq: Int64 = 1
        var previousLeaf: Hash32?
        var previousTime = Timestamp(milliseconds: Int64.min)
        // Entries recorded after the time of the audit (the real clock, not an override).
        let auditTime = Timestamp.system()
        var future: (first: Int64, at: Timestamp, count: Int)?
        let tracker = try StateTracker(db: replay, headRoot: nil, rebuilding: true)
        let projector = Projector(db: replay, tracker: tracker)
        var lastEntry: Entry?
        var replayHealthy = true

        try replay.execute("BEGIN")
        // Read, hashed and decoded on a second thread, which has the file's connection until it is stopped.
        let journal = JournalReadAhead(try db.cached("SELECT seq, kind_code, signer, entry, signature FROM journal ORDER BY seq").cursor())
        defer { journal.stop() }
        while let row = try journal.next() {
            let seq = row.seq
            if seq != expectedSeq {
                fail(.tampered, "sequence", expectedSeq, seq == expectedSeq + 1
                     ? "entry \(expectedSeq) is missing (the journal jumps to \(seq))"
                     : "entries \(expectedSeq)…\(seq - 1) are missing (the journal jumps to \(seq))")
                // Keep going from here so later checks still run.
                expectedSeq = seq
            }
            expectedSeq += 1
            report.entries = seq
            let leaf = row.leaf
            let decoded: JournalRead.Decoded
            switch row.decoded {
            case .success(let value):
                decoded = value
            case .failure(let error):
                fail(.tampered, "encoding", seq, "the entry bytes do not decode canonically (\(error))")
                previousLeaf = leaf
                facts.note(seq: seq, recordedAt: previousTime)
                try appendLeaf(&frontier, leaf, seq: seq, storedNodes: &storedNodes, sizes: sizesOfInterest, roots: &facts.roots)
                replayHealthy = false
                continue
            }
            let entry = decoded.entry
            if entry.seq != seq { fail(.tampered, "sequence", seq, "the entry's bytes say it is entry \(entry.seq)") }
            if entry.previousHash != previousLeaf {
                fail(.tampered, "chain", seq, seq == 1 ? "the first entry names a previous hash"
                     : "the entry does not chain to entry \(seq - 1) (its previous hash differs from that entry's leaf hash)")
            }
            if entry.recordedAt < previousTime {
                fail(.tampered, "chain", seq, "recorded at \(entry.recordedAt) — before entry \(seq - 1)")
            }
            if entry.recordedAt.milliseconds > auditTime.milliseconds &+ Auditor.clockSkew {
                future = future.map { ($0.first, $0.at, $0.count + 1) } ?? (seq, entry.recordedAt, 1)
            }
            // The columns are compared exactly (``JournalRead/Decoded/columnsAgree``). The time and
            // the actor have no column to compare (schema 20): they are read from the bytes.
            if !decoded.columnsAgree {
                fail(.tampered, "encoding", seq, "the kind_code or signer column disagrees with the entry bytes")
            }
            if case .ledgerCreate(let created) = entry.payload {
                if seq != 1 { fail(.tampered, "sequence", seq, "a second ledger.create entry") }
                facts.ledgerID = created.ledgerID
            } else if seq == 1 {
                fail(.tampered, "sequence", seq, "the first entry is not ledger.create")
            }
            // A portable claim names the entries it refers to as the projections re-derived so far name them.
            let ledgerID = facts.ledgerID ?? ""
            let claim = (try? entry.signedBytes(naming: { try Ledger.referenceName(of: $0, in: replay, ledgerID: ledgerID) })) ?? []
            let verified = checkSignature(entry, bytes: claim, signature: row.signature, keys: facts.keys)
            checkKeyRules(entry, signatureVerified: verified, facts: &facts)
            lastEntry = entry
            if entry.clock == .overridden { report.overriddenClock += 1 }
            switch entry.payload {
            case .keyRegister(let key):
                facts.keys[key.name] = (key.publicKey, seq, nil)
                facts.registrations[key.name] = key
                if key.role == .admin, facts.firstAdmin == nil { facts.firstAdmin = seq }
            case .keyRevoke(let revocation): facts.keys[revocation.name]?.revoked = seq
            default: break
            }
            previousLeaf = leaf
            previousTime = entry.recordedAt
            facts.note(seq: seq, recordedAt: entry.recordedAt)
            try appendLeaf(&frontier, leaf, seq: seq, storedNodes: &storedNodes, sizes: sizesOfInterest, roots: &facts.roots)
            if replayHealthy {
                do {
                    try projector.apply(entry, content: decoded.contentHash)
                } catch {
                    fail(.tampered, "projection", seq, "the entry cannot be applied to the projections re-derived so far (\(error))")
                    replayHealthy = false
                }
            }
        }
        // The file's connection is this thread's again.
        journal.stop()
        report.root = frontier.root.hex
        report.ledgerID = facts.ledgerID
        concludeKeyRules(facts)
        facts.size = frontier.size
        if let future {
            let others = future.count > 1 ? " (and so are \(future.count - 1) later entries)" : ""
            fail(.tampered, "time", future.first, "recorded at \(future.at), more than 5 minutes after the time of this audit "
                 + "(\(auditTime), by the system clock): the recorded time is false\(others)")
        }

        // The stored right edge of the tree, and no stray cached nodes.
        var storedFrontier: (size: Int64, hashes: [UInt8])?
        let frontierReadable = try readable("merkle_frontier") {
            try db.forEach("SELECT size, hashes FROM merkle_frontier WHERE id = 1") { row in storedFrontier = (row.int64(0), row.blob(1)) }
        }
        if !frontierReadable {
            // Reported by the schema check.
        } else if let storedFrontier {
            if storedFrontier.size != Int64(frontier.size) || storedFrontier.hashes != frontier.serialized {
                fail(.tampered, "merkle", nil, "the stored edge of the Merkle tree (size \(storedFrontier.size)) differs from the one recomputed from \(frontier.size) entries")
            }
        } else if frontier.size > 0 {
            fail(.tampered, "merkle", nil, "the stored edge of the Merkle tree is missing")
        }
        for key in storedNodes.keys.sorted() {
            fail(.tampered, "merkle", nil, "a cached Merkle node (level/index \(key)) covers entries that do not exist")
        }

        // Checkpoints the ledger signed, and those brought from outside.
        checkStoredCheckpoints(stored, facts: facts, auditTime: auditTime)
        checkOutsideCheckpoints(outsideParsed, stored: stored, facts: facts, auditTime: auditTime)

        // The projections must equal the re-derivation.
        if replayHealthy {
            try projector.flush()
            let root = try tracker.finish()
            if let lastEntry, lastEntry.version >= 2 || lastEntry.stateRoot != nil {
                if lastEntry.stateRoot == nil {
                    fail(.tampered, "state", lastEntry.seq, "the journal ends on an entry without a state root, which the last entry "
                         + "of every write carries: it ends in the middle of a write (later entries were lost or cut)")
                } else if lastEntry.stateRoot != root {
                    fail(.tampered, "state", lastEntry.seq, "the state root in the journal's last entry differs from the one re-derived "
                         + "from the journal")
                }
            }
            try replay.execute("COMMIT")
            try compareProjections(with: replay)
        } else {
            try replay.execute("ROLLBACK")
        }
    }
}
