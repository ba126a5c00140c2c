import AccordSchema
import AccordStorage
import AccordTrust
import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `accord audit` concluded.
public enum AuditOutcome: String, Sendable {
    /// Every check passed.
    case verified
    /// The content disagrees with itself or with a checkpoint: tampering or a bug.
    case tampered
    /// SQLite reports damage to the file itself.
    case corrupt
    /// A signature names a key the ledger does not know.
    case unverifiable
}

/// One failed check.
public struct AuditFinding: Sendable {
    public var outcome: AuditOutcome
    /// The check that failed: integrity, sequence, encoding, hash, chain, signature, merkle,
    /// projection, checkpoint, schema.
    public var check: String
    /// The first entry concerned, when there is one.
    public var seq: Int64?
    public var detail: String

    public var json: JSON {
        .object([("outcome", .string(outcome.rawValue)), ("check", .string(check)), ("seq", JSON(seq)), ("detail", .string(detail))])
    }
}

/// The result of an audit.
public struct AuditReport: Sendable {
    public var path: String
    public var entries: Int64
    public var root: String?
    public var ledgerID: String?
    public var storedCheckpoints: Int
    public var outsideCheckpoints: Int
    public var full: Bool
    public var findings: [AuditFinding]

    /// The worst outcome found: corrupt, then tampered, then unverifiable.
    public var outcome: AuditOutcome {
        for outcome in [AuditOutcome.corrupt, .tampered, .unverifiable] where findings.contains(where: { $0.outcome == outcome }) {
            return outcome
        }
        return .verified
    }

    /// 0 verified, 1 tampered, 2 corrupt, 3 unverifiable.
    public var exitCode: Int32 {
        switch outcome {
        case .verified: 0
        case .tampered: 1
        case .corrupt: 2
        case .unverifiable: 3
        }
    }

    public var json: JSON {
        .object([
            ("outcome", .string(outcome.rawValue)), ("path", .string(path)), ("entries", .int(entries)),
            ("root", JSON(root)), ("ledgerId", JSON(ledgerID)), ("storedCheckpoints", .int(Int64(storedCheckpoints))),
            ("outsideCheckpoints", .int(Int64(outsideCheckpoints))), ("full", .bool(full)),
            ("firstFailure", findings.first?.json ?? .null), ("findings", .array(findings.map(\.json))),
        ])
    }

    /// A few lines for people.
    public var summary: String {
        var lines: [String] = []
        switch outcome {
        case .verified:
            lines.append("verified: \(entries) entries of \(path); root \(root ?? "-")")
            lines.append("checked: \(full ? "integrity_check" : "quick_check"), sequence, canonical encoding, leaf hashes, chain, signatures, Merkle tree, projections, \(storedCheckpoints) stored and \(outsideCheckpoints) outside checkpoint(s)")
        default:
            let first = findings.first
            lines.append("\(outcome.rawValue.uppercased()): \(first.map { ($0.seq.map { "entry \($0): " } ?? "") + $0.detail } ?? "")")
            lines.append("\(findings.count) check(s) failed in \(path) (\(entries) entries read):")
            for finding in findings.prefix(20) {
                lines.append("  [\(finding.check)] " + (finding.seq.map { "entry \($0): " } ?? "") + finding.detail)
            }
            if findings.count > 20 { lines.append("  … and \(findings.count - 20) more") }
        }
        return lines.joined(separator: "\n")
    }
}

/// Recomputes everything in a ledger from its raw journal entries, changing nothing.
public enum Audit {
    /// The projection tables and the columns that order them.
    static let projections: [(table: String, key: String)] = [
        ("ledger", "seq"), ("parties", "id"), ("agreements", "id"), ("commitments", "id"), ("reciprocals", "commitment"),
        ("dependencies", "commitment, depends_on"), ("withdrawals", "commitment"), ("guarantees", "id"),
        ("guarantee_covers", "guarantee, commitment"), ("invocations", "seq"), ("external_ids", "id"),
        ("verifications", "seq"), ("breaches", "seq"), ("corroborations", "seq"), ("corrections", "seq"),
        ("retractions", "seq"), ("disputes", "seq"), ("adjudications", "seq"), ("keys", "name"),
        ("commitment_totals", "commitment, confidence"), ("daily_totals", "commitment, day, confidence"),
        ("source_totals", "commitment, confidence, source"), ("commitment_sources", "commitment, confidence"), ("daily_source_totals", "commitment, day, confidence, source"),
    ]

    /// Audits the ledger at `path`, opened read-only.
    /// - Parameters:
    ///   - full: run `integrity_check` instead of `quick_check`.
    ///   - checkpoints: signed checkpoints kept outside the file (their text).
    /// - Throws: ``LedgerError`` only when the file cannot be audited at all
    ///   (missing, not a ledger); damage is reported in the result.
    ///   - trustedKeys: keys the auditor trusts to sign outside checkpoints,
    ///     whatever the ledger registered (so a ledger cannot disown them).
    public static func run(path: String, full: Bool = false, checkpoints: [(name: String, text: String)] = [],
                           trustedKeys: [NoteVerifierKey] = []) throws -> AuditReport {
        var report = AuditReport(path: path, entries: 0, root: nil, ledgerID: nil, storedCheckpoints: 0,
                                 outsideCheckpoints: checkpoints.count, full: full, findings: [])
        let ledger: Ledger
        do {
            ledger = try Ledger.open(at: path, mode: .snapshot, requireFirstEntry: false)
            // A file migrated but never given its first entry is not a ledger yet;
            // one whose journal was emptied is audited (an outside checkpoint exposes it).
            if checkpoints.isEmpty, try ledger.isUninitialised() {
                throw LedgerError(.notALedger, "\(path) was never initialised (its journal is empty); run `accord init --db \(path)`")
            }
        } catch let error as LedgerError where error.code == .notALedger || error.code == .corrupt {
            // A file that was a ledger but no longer opens as one is damaged.
            guard access(path, F_OK) == 0, error.message.contains("not a SQLite database") || error.code == .corrupt else { throw error }
            report.findings.append(AuditFinding(outcome: .corrupt, check: "integrity", seq: nil, detail: error.message))
            return report
        }
        do {
            // The read may run twice (a writer changed the file under a snapshot),
            // so each run starts from the same empty report and returns its own.
            let start = report
            report = try LedgerError.translating {
                try ledger.database.read { db -> AuditReport in
                    var auditor = try Auditor(db: db, path: path, report: start)
                    auditor.trustedKeys = trustedKeys
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
        } catch let error as LedgerError where error.code == .corrupt {
            report.findings.append(AuditFinding(outcome: .corrupt, check: "integrity", seq: nil, detail: error.message))
        }
        return report
    }
}

extension Ledger {
    /// True when the journal and every table derived from it are empty: a
    /// file `accord init` migrated but never wrote its first entry to.
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

    init(db: Database, path: String, report: AuditReport) throws {
        self.db = db
        self.path = path
        self.report = report
    }

    mutating func fail(_ outcome: AuditOutcome, _ check: String, _ seq: Int64?, _ detail: String) {
        guard report.findings.count < limit else { return }
        report.findings.append(AuditFinding(outcome: outcome, check: check, seq: seq, detail: detail))
    }

    mutating func run(full: Bool, outside: [(name: String, text: String)]) throws {
        let pragma = full ? "PRAGMA integrity_check" : "PRAGMA quick_check"
        var problems: [String] = []
        try db.forEach(pragma) { row in
            let line = row.text(0)
            if line != "ok" { problems.append(line) }
        }
        if !problems.isEmpty {
            fail(.corrupt, "integrity", nil, "\(pragma.dropFirst(7)) reports: " + problems.prefix(3).joined(separator: "; "))
            return
        }
        try checkSchema()
        try replayJournal(outside: outside)
    }

    /// The schema objects must be those the migrations create.
    mutating func checkSchema() throws {
        let expected = try Database(path: ":memory:", mode: .create, configuration: Database.Configuration(applicationID: Schema.applicationID))
        try Migrator(migrations: Schema.migrations).migrate(expected, now: { "" })
        func objects(_ database: Database) throws -> [String: String] {
            var result: [String: String] = [:]
            try database.forEach("SELECT type || ' ' || name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") { row in
                result[row.text(0)] = row.text(1)
            }
            return result
        }
        let want = try objects(expected)
        let have = try objects(db)
        for (name, sql) in want.sorted(by: { $0.key < $1.key }) where have[name] != sql {
            fail(.tampered, "schema", nil, have[name] == nil ? "\(name) is missing (it guards the journal or its projections)"
                                                             : "\(name) differs from the one the migrations create")
        }
        for name in have.keys.sorted() where want[name] == nil {
            fail(.tampered, "schema", nil, "\(name) is not part of the Accord schema")
        }
    }

    /// Reads every entry in order, checking it, and re-derives the projections
    /// into a scratch database to compare with the stored ones.
    mutating func replayJournal(outside: [(name: String, text: String)]) throws {
        let db = self.db  // a local, so closures read it without capturing self
        // The scratch database for the re-derivation.
        var template = Array("\(temporaryDirectory())/accord-audit-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw LedgerError(.failure, "cannot create a scratch file for the audit: \(String(cString: strerror(errno)))") }
        close(descriptor)
        let scratchPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
        var stored: [(size: Int64, root: [UInt8], key: String, note: String, signedAt: String)] = []
        try readable("checkpoints") {
            try db.forEach("SELECT size, root, key_name, note, signed_at FROM checkpoints ORDER BY size, key_name") { row in
                stored.append((row.int64(0), row.blob(1), row.text(2), row.text(3), row.text(4)))
            }
        }
        report.storedCheckpoints = stored.count
        var outsideParsed: [(name: String, note: SignedNote, body: Checkpoint)] = []
        for item in outside {
            do {
                let note = try SignedNote(parsing: item.text)
                let body = try Checkpoint.parse(note.text)
                outsideParsed.append((item.name, note, body))
            } catch {
                throw LedgerError.badInput("\(item.name) is not a signed checkpoint: \(error)")
            }
        }
        var sizesOfInterest = Set(stored.compactMap { UInt64(exactly: $0.size) })
        for item in outsideParsed { sizesOfInterest.insert(item.body.size) }
        var rootsAt: [UInt64: Hash32] = [:]
        if sizesOfInterest.contains(0) { rootsAt[0] = Merkle.emptyRoot }

        var keys: [String: (key: [UInt8], registered: Int64, revoked: Int64?)] = [:]
        var frontier = MerkleFrontier()
        var expectedSeq: Int64 = 1
        var previousLeaf: Hash32?
        var previousTime = Timestamp(milliseconds: Int64.min)
        var ledgerID: String?
        let projector = Projector(db: replay)
        var replayHealthy = true

        try replay.execute("BEGIN")
        let cursor = try db.cached("SELECT seq, kind, recorded_at, actor, signer, entry, leaf_hash, signature FROM journal ORDER BY seq").cursor()
        while let row = try cursor.next() {
            let seq = row.int64(0)
            if seq != expectedSeq {
                fail(.tampered, "sequence", expectedSeq, seq == expectedSeq + 1
                     ? "entry \(expectedSeq) is missing (the journal jumps to \(seq))"
                     : "entries \(expectedSeq)…\(seq - 1) are missing (the journal jumps to \(seq))")
                // Keep going from here so later checks still run.
                expectedSeq = seq
            }
            expectedSeq += 1
            report.entries = seq
            let bytes = row.blob(5)
            let leaf = Merkle.leafHash(bytes)
            if row.blob(6) != leaf.bytes {
                fail(.tampered, "hash", seq, "the stored leaf hash is not SHA-256(0x00 ‖ entry bytes)")
            }
            let entry: Entry
            do {
                entry = try Entry.decodeCanonical(bytes)
            } catch {
                fail(.tampered, "encoding", seq, "the entry bytes do not decode canonically (\(error))")
                previousLeaf = leaf
                try appendLeaf(&frontier, leaf, seq: seq, storedNodes: &storedNodes, sizes: sizesOfInterest, roots: &rootsAt)
                replayHealthy = false
                continue
            }
            if entry.seq != seq { fail(.tampered, "sequence", seq, "the entry's bytes say it is entry \(entry.seq)") }
            if entry.previousHash != previousLeaf {
                fail(.tampered, "chain", seq, seq == 1 ? "the first entry names a previous hash"
                     : "the entry does not chain to entry \(seq - 1) (its previous hash differs from that entry's leaf hash)")
            }
            if entry.recordedAt < previousTime {
                fail(.tampered, "chain", seq, "recorded at \(entry.recordedAt) — before entry \(seq - 1)")
            }
            if row.text(1) != entry.kind.rawValue || row.text(2) != entry.recordedAt.iso8601 || row.text(3) != entry.actor
                || row.optionalText(4) != entry.signer {
                fail(.tampered, "encoding", seq, "the kind, recorded_at, actor or signer column disagrees with the entry bytes")
            }
            if case .ledgerCreate(let created) = entry.payload {
                if seq != 1 { fail(.tampered, "sequence", seq, "a second ledger.create entry") }
                ledgerID = created.ledgerID
            } else if seq == 1 {
                fail(.tampered, "sequence", seq, "the first entry is not ledger.create")
            }
            checkSignature(entry, bytes: bytes, signature: row.optionalBlob(7), keys: keys)
            switch entry.payload {
            case .keyRegister(let key): keys[key.name] = (key.publicKey, seq, nil)
            case .keyRevoke(let revocation): keys[revocation.name]?.revoked = seq
            default: break
            }
            previousLeaf = leaf
            previousTime = entry.recordedAt
            try appendLeaf(&frontier, leaf, seq: seq, storedNodes: &storedNodes, sizes: sizesOfInterest, roots: &rootsAt)
            if replayHealthy {
                do {
                    try projector.apply(entry)
                } catch {
                    fail(.tampered, "projection", seq, "the entry cannot be applied to the projections re-derived so far (\(error))")
                    replayHealthy = false
                }
            }
        }
        report.root = frontier.root.hex
        report.ledgerID = ledgerID

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
        let ledgerOrigin = ledgerID.map { Ledger.origin(ledgerID: $0) }
        for checkpoint in stored {
            let name = "the checkpoint stored for size \(checkpoint.size)"
            let note: SignedNote
            let body: Checkpoint
            do {
                note = try SignedNote(parsing: checkpoint.note)
                body = try Checkpoint.parse(note.text)
            } catch {
                fail(.tampered, "checkpoint", nil, "\(name) is not a signed checkpoint (\(error))")
                continue
            }
            guard body.size == UInt64(exactly: checkpoint.size) ?? .max, body.rootHash.bytes == checkpoint.root else {
                fail(.tampered, "checkpoint", nil, "\(name): its size and root columns differ from its signed note (size \(body.size), root \(body.rootHash.hex))")
                continue
            }
            if let ledgerOrigin, body.origin != ledgerOrigin {
                fail(.tampered, "checkpoint", nil, "\(name) names another log (\(body.origin)), not this ledger (\(ledgerOrigin))")
                continue
            }
            let signers = checkCheckpoint(note, body, name: name, journalSize: frontier.size, roots: rootsAt, keys: keys)
            // The key_name column must name a key that signed the note.
            if !signers.isEmpty, !signers.contains(checkpoint.key) {
                fail(.tampered, "checkpoint", checkpoint.size, "\(name) is recorded as signed by '\(TextRules.printable(checkpoint.key))' "
                     + "but its note is signed by \(signers.joined(separator: ", "))")
            }
            // signed_at is not covered by the signature; it must at least be a time as accord writes it.
            if (try? Moment(parsing: checkpoint.signedAt, field: "signed_at"))?.timestamp.iso8601 != checkpoint.signedAt {
                fail(.tampered, "checkpoint", checkpoint.size, "\(name) has signed_at '\(TextRules.printable(checkpoint.signedAt))', "
                     + "which is not a time as accord writes it")
            }
        }
        for item in outsideParsed {
            if let ledgerOrigin, item.body.origin != ledgerOrigin {
                throw LedgerError.badInput("\(item.name) is a checkpoint of another log (\(item.body.origin)), not of this ledger (\(ledgerOrigin))")
            }
            let signers = checkCheckpoint(item.note, item.body, name: item.name, journalSize: frontier.size, roots: rootsAt, keys: keys,
                                          trusted: trustedKeys)
            // accord records every checkpoint it signs before handing it out, so
            // one that this ledger's keys validly signed for its own journal but
            // that the ledger does not hold means the file lost that record: its
            // last writes were cut off (a WAL damaged at its end is replayed only
            // up to the damage), or it is an older copy.
            if !signers.isEmpty, rootsAt[item.body.size] == item.body.rootHash,
               !stored.contains(where: { UInt64(exactly: $0.size) == item.body.size && $0.root == item.body.rootHash.bytes
                                         && signers.contains($0.key) }) {
                fail(.tampered, "checkpoint", Int64(exactly: item.body.size),
                     "\(item.name) was signed by this ledger at size \(item.body.size), but the ledger holds no record of it: "
                     + "its last writes were lost, or it is an older copy of the file")
            }
        }

        // The projections must equal the re-derivation.
        if replayHealthy {
            try projector.flush()
            try replay.execute("COMMIT")
            try compareProjections(with: replay)
        } else {
            try replay.execute("ROLLBACK")
        }
    }

    mutating func appendLeaf(_ frontier: inout MerkleFrontier, _ leaf: Hash32, seq: Int64, storedNodes: inout [String: [UInt8]],
                             sizes: Set<UInt64>, roots: inout [UInt64: Hash32]) throws {
        var findings: [(Int64?, String)] = []
        try frontier.append(leaf) { subtree in
            guard subtree.level >= JournalWriter.cachedLevel else { return }
            let key = "\(subtree.level)/\(subtree.index)"
            if let stored = storedNodes.removeValue(forKey: key) {
                if stored != subtree.hash.bytes {
                    findings.append((seq, "the cached Merkle node \(key) differs from the one recomputed"))
                }
            } else {
                findings.append((seq, "the cached Merkle node \(key) is missing"))
            }
        }
        for finding in findings { fail(.tampered, "merkle", finding.0, finding.1) }
        if sizes.contains(frontier.size) { roots[frontier.size] = frontier.root }
    }

    mutating func checkSignature(_ entry: Entry, bytes: [UInt8], signature: [UInt8]?, keys: [String: (key: [UInt8], registered: Int64, revoked: Int64?)]) {
        let seq = entry.seq
        switch (entry.signer, signature) {
        case (nil, nil):
            return
        case (nil, _?):
            fail(.tampered, "signature", seq, "a signature is stored but the entry names no signer")
        case (let name?, nil):
            fail(.tampered, "signature", seq, "the entry is signed by \(name) but its signature is missing")
        case (let name?, let signature?):
            guard let key = keys[name] else {
                fail(.unverifiable, "signature", seq, "signed by \(name), a key this ledger never registered")
                return
            }
            if let revoked = key.revoked, revoked < seq {
                fail(.tampered, "signature", seq, "signed by \(name), which was revoked by entry \(revoked)")
                return
            }
            guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key.key),
                  publicKey.isValidSignature(signature, for: bytes) else {
                fail(.tampered, "signature", seq, "the signature by \(name) does not verify")
                return
            }
        }
    }

    /// Checks a checkpoint's signature, then what it vouches for. A checkpoint
    /// that no key of this ledger validly signed vouches for nothing, so its
    /// disagreement with the journal is reported as such, not as a rewrite.
    /// - Returns: the names of the keys whose signatures verified (empty when none did).
    @discardableResult
    mutating func checkCheckpoint(_ note: SignedNote, _ body: Checkpoint, name: String, journalSize: UInt64,
                                  roots: [UInt64: Hash32], keys: [String: (key: [UInt8], registered: Int64, revoked: Int64?)],
                                  trusted: [NoteVerifierKey] = []) -> [String] {
        let seq = Int64(exactly: body.size)
        // Whether it agrees with the journal, in words.
        var disagreement: (seq: Int64?, words: String)?
        if let root = roots[body.size] {
            if root != body.rootHash {
                disagreement = (seq, "it has root \(body.rootHash.hex) at size \(body.size) but the journal gives \(root.hex)")
            }
        } else {
            disagreement = (Int64(journalSize) + 1, "it covers \(body.size) entries but the journal holds only \(journalSize)")
        }
        // A key signs checkpoints of sizes after the entry that registered it and before the one that revoked it.
        var verifiers: [NoteVerifierKey] = []
        for (keyName, key) in keys.sorted(by: { $0.key < $1.key })
        where UInt64(clamping: key.registered) <= body.size && key.revoked.map({ UInt64(clamping: $0) > body.size }) ?? true {
            if let verifier = try? NoteVerifierKey(name: keyName, publicKey: Curve25519.Signing.PublicKey(rawRepresentation: key.key)) {
                verifiers.append(verifier)
            }
        }
        for key in trusted where !verifiers.contains(key) { verifiers.append(key) }
        let also = disagreement.map { "; \($0.words)" } ?? ""
        let signers: [String]
        do {
            signers = try note.verify(with: verifiers).verifiedBy.map(\.name)
        } catch SignedNoteError.noVerifiedSignature {
            fail(.unverifiable, "checkpoint", disagreement?.seq ?? seq,
                 "\(name) is signed by no key registered in this ledger and valid at size \(body.size)"
                    + (trusted.isEmpty ? "" : ", nor by a --trusted-key") + ", so it cannot be trusted\(also)")
            return []
        } catch SignedNoteError.invalidSignature(let keyName, _) {
            fail(.tampered, "checkpoint", disagreement?.seq ?? seq,
                 "\(name): the signature by \(keyName) does not verify (the checkpoint was altered, or the key in this ledger was replaced)\(also)")
            return []
        } catch {
            fail(.tampered, "checkpoint", disagreement?.seq ?? seq, "\(name): \(error)\(also)")
            return []
        }
        if let disagreement {
            let conclusion = roots[body.size] == nil ? "entries were cut off" : "history was rewritten"
            fail(.tampered, "checkpoint", disagreement.seq, "\(name) is validly signed, and \(disagreement.words): \(conclusion)")
        }
        return signers
    }

    /// Runs a read of one of the ledger's own tables. A table dropped or
    /// reshaped is reported by the schema check, so its read is skipped (or
    /// its failure recorded) rather than ending the audit; damage still throws.
    /// - Returns: whether the read ran.
    @discardableResult
    mutating func readable(_ table: String, _ body: () throws -> Void) throws -> Bool {
        guard try db.tableExists(table) else { return false }
        do {
            try body()
            return true
        } catch let error as StorageError where !Auditor.isDamage(error) {
            fail(.tampered, "schema", nil, "\(table) cannot be read as the migrations define it (\(error.message))")
            return false
        }
    }

    static func isDamage(_ error: StorageError) -> Bool {
        guard let code = error.resultCode else { return false }
        return ResultCode.corrupt ~= code || ResultCode.notADatabase ~= code || ResultCode.ioError ~= code
    }

    /// Findings reported per projection table; the rest are counted.
    static let findingsPerTable = 10

    /// Compares each projection table with its re-derivation: a merge of the
    /// two sides in key order, so a missing or extra row is one finding (not
    /// every row after it), and a row whose key matches but whose values
    /// differ names the first differing column. Each table reports the rows
    /// of the earliest entries, up to ``findingsPerTable``, then a count.
    mutating func compareProjections(with replay: Database) throws {
        for (table, key) in Audit.projections {
            let keyColumns = key.split(separator: ",").map { String($0.drop { $0 == " " }) }
            let sql = "SELECT * FROM \(table) ORDER BY \(key)"
            // A dropped table is reported by the schema check.
            guard try db.tableExists(table) else { continue }
            let statement: Statement
            do {
                statement = try db.prepare(sql)
            } catch let error as StorageError where !Auditor.isDamage(error) {
                fail(.tampered, "schema", nil, "\(table) cannot be read as the migrations define it (\(error.message))")
                continue
            }
            let reference = try replay.prepare(sql)
            guard statement.columnNames == reference.columnNames else {
                fail(.tampered, "schema", nil, "\(table) has the columns \(statement.columnNames.joined(separator: ", ")), "
                     + "not those the migrations create (\(reference.columnNames.joined(separator: ", ")))")
                continue
            }
            let names = statement.columnNames
            let keyIndexes = keyColumns.compactMap { names.firstIndex(of: $0) }
            let mine = statement.cursor()
            let theirs = reference.cursor()
            func copy(_ row: Row?) -> CopiedRow? { row.map { CopiedRow($0, names: names) } }
            var a = copy(try mine.next())
            var b = copy(try theirs.next())
            var found: [(seq: Int64?, detail: String)] = []
            var count = 0
            func note(_ seq: Int64?, _ detail: String) {
                count += 1
                found.append((seq, detail))
                // Keep the earliest entries' findings (those without an entry last).
                found.sort { ($0.seq ?? .max) < ($1.seq ?? .max) }
                if found.count > Auditor.findingsPerTable { found.removeLast() }
            }
            while a != nil || b != nil {
                let order: Int
                if let x = a, let y = b {
                    order = CopiedRow.compare(keyIndexes.map { x.values[$0] }, keyIndexes.map { y.values[$0] })
                } else {
                    order = a != nil ? -1 : 1
                }
                if order < 0, let x = a {
                    note(x.seq(in: table), "\(table) has a row the journal does not produce (\(x.summary))")
                    a = copy(try mine.next())
                } else if order > 0, let y = b {
                    note(y.seq(in: table), "\(table) lacks a row the journal produces (\(y.summary))")
                    b = copy(try theirs.next())
                } else if let x = a, let y = b {
                    if x.values != y.values {
                        let column = zip(x.names, zip(x.values, y.values)).first { $0.1.0 != $0.1.1 }?.0 ?? "?"
                        note(x.seq(in: table) ?? y.seq(in: table), "\(table).\(column) differs from what the journal gives (\(x.summary))")
                    }
                    a = copy(try mine.next())
                    b = copy(try theirs.next())
                }
            }
            for finding in found { fail(.tampered, "projection", finding.seq, finding.detail) }
            if count > found.count {
                fail(.tampered, "projection", nil, "\(count - found.count) more row(s) of \(table) differ from what the journal gives")
            }
        }
    }
}

/// A projection row copied out of its statement, for the merge in
/// ``Auditor/compareProjections(with:)``.
struct CopiedRow {
    let names: [String]
    let values: [DatabaseValue]

    /// - Parameter names: the statement's column names, read once per table.
    init(_ row: Row, names: [String]) {
        self.names = names
        values = row.values
    }

    subscript(_ name: String) -> DatabaseValue {
        names.firstIndex(of: name).map { values[$0] } ?? .null
    }

    /// The entry that wrote the row, where the table records it.
    func seq(in table: String) -> Int64? {
        for name in table == "external_ids" ? ["record"] : ["seq", "registered_seq"] {
            if case .integer(let value) = self[name] { return value }
        }
        return nil
    }

    /// The first three columns, for messages.
    var summary: String {
        zip(names, values).prefix(3).map { name, value in
            switch value {
            case .text(let text): "\(name)=\(text.prefix(40))"
            case .integer(let int): "\(name)=\(int)"
            case .real(let double): "\(name)=\(double)"
            case .blob(let bytes): "\(name)=\(hexString(Array(bytes.prefix(8))))…"
            case .null: "\(name)=NULL"
            }
        }.joined(separator: ", ")
    }

    /// Orders key tuples as SQLite's `ORDER BY` does with the BINARY collation:
    /// NULL, then numbers, then text (by UTF-8 bytes), then blobs.
    static func compare(_ left: [DatabaseValue], _ right: [DatabaseValue]) -> Int {
        for (x, y) in zip(left, right) {
            let order = compare(x, y)
            if order != 0 { return order }
        }
        return 0
    }

    static func compare(_ x: DatabaseValue, _ y: DatabaseValue) -> Int {
        func rank(_ value: DatabaseValue) -> Int {
            switch value {
            case .null: 0
            case .integer, .real: 1
            case .text: 2
            case .blob: 3
            }
        }
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch (x, y) {
        case (.integer(let a), .integer(let b)): return sign(a, b)
        case (.integer(let a), .real(let b)): return sign(Double(a), b)
        case (.real(let a), .integer(let b)): return sign(a, Double(b))
        case (.real(let a), .real(let b)): return sign(a, b)
        case (.text(let a), .text(let b)):
            return Array(a.utf8).lexicographicallyPrecedes(b.utf8) ? -1 : (a.utf8.elementsEqual(b.utf8) ? 0 : 1)
        case (.blob(let a), .blob(let b)):
            return a.lexicographicallyPrecedes(b) ? -1 : (a == b ? 0 : 1)
        default:
            return sign(rank(x), rank(y))
        }
    }
}

/// $TMPDIR, else /tmp.
func temporaryDirectory() -> String {
    if let value = getenv("TMPDIR").map({ String(cString: $0) }), !value.isEmpty { return value }
    return "/tmp"
}
