import AccordStorage
import AccordTrust

/// Verifications or breaches with everything that happened to them, folded
/// from the journal entries behind them.
///
/// The projection rows only say *which* entries to read. The entries are
/// read from the journal, decoded, and chained per owning commitment exactly
/// as the writer chained them (``StateTracker/chain(_:kind:seq:content:)``);
/// each chain must equal the one the state root vouches for. So a listing
/// can neither show a row's forged content nor miss a record hidden or
/// deleted from the tables: both change a chain.
struct EvidenceBook {
    /// One version of a record, as an entry recorded it.
    struct Version {
        var seq: Int64
        var record: Record
        var recordedAt: Timestamp
        var actor: String
        var signer: String?

        /// The signing key's name, or `unsigned`, as listings show it.
        var signerWord: String { signer ?? Keys.unsignedWord }
    }

    struct CorroborationEntry {
        var seq: Int64
        var corroboration: Corroboration
        var recordedAt: Timestamp
        var signer: String?
        var retracted: Int64?
        var voided: Int64?

        /// Counting: neither retracted nor voided.
        var live: Bool { retracted == nil && voided == nil }
    }

    struct DisputeEntry {
        var seq: Int64
        var dispute: Dispute
        /// The adjudication that settled it.
        var adjudication: Int64?
    }

    /// A verification or breach and its life: versions, corroborations,
    /// retraction, disputes and rulings.
    struct History {
        var record: Int64
        var kind: Record.Kind
        var versions: [Version] = []
        var corroborations: [CorroborationEntry] = []
        /// The entry that retracted the record, if any.
        var retracted: Int64?
        /// The entry that voided it (entered in error), if any.
        var voided: Int64?
        var disputes: [DisputeEntry] = []
        var rulings: [(seq: Int64, adjudication: Adjudication)] = []

        var current: Version? { versions.last }
        var rejected: Bool { rulings.contains { $0.adjudication.ruling == .rejected } }
        var pending: [DisputeEntry] { disputes.filter { $0.adjudication == nil } }

        /// The status of version `index`: voided, superseded, retracted, rejected, disputed, outside
        /// its commitment (`inForce` says whether the latest version can count) or current, in that order.
        func status(of index: Int, inForce: Bool = true) -> RecordStatus {
            if voided != nil { return .voided }
            if index < versions.count - 1 { return .superseded }
            if retracted != nil { return .retracted }
            if rejected { return .rejected }
            if !pending.isEmpty { return .disputed }
            if !inForce { return .outside }
            return .current
        }

        /// The best of the record's own confidence and its live corroborations', and how many distinct
        /// sources stand behind it (look-alike names count once: ``TextRules/sourceKey(_:)``).
        func standing(own: Source) -> (effective: Confidence, sources: Int) {
            let live = corroborations.filter(\.live).map(\.corroboration.source)
            return (live.map(\.confidence).reduce(own.confidence) { max($0, $1) },
                    Set(([own] + live).map { TextRules.sourceKey($0.name) }).count)
        }

        /// Every entry about the record, as its commitment's evidence chain
        /// vouches for them: its versions, corroborations (with their
        /// retractions and voids), its retraction and void, disputes and rulings.
        var entries: [Int64] {
            var seqs = versions.map(\.seq)
            for item in corroborations { seqs += [item.seq] + [item.retracted, item.voided].compactMap { $0 } }
            seqs += [retracted, voided].compactMap { $0 }
            for item in disputes { seqs += [item.seq] + [item.adjudication].compactMap { $0 } }
            return seqs + rulings.map(\.seq)
        }

        /// Pending disputes ("disputed by X (entry N): reason") and rulings, as listings show them.
        var disputeText: String? {
            let parts = pending.map { "disputed by \($0.dispute.by) (entry \($0.seq)): \($0.dispute.reason)" }
                + rulings.map { "\($0.adjudication.ruling.rawValue) (entry \($0.seq)): \($0.adjudication.reason)" }
            return parts.isEmpty ? nil : parts.joined(separator: "; ")
        }
    }

    let kind: Record.Kind
    /// Records by the seq that first recorded them.
    private(set) var histories: [Int64: History] = [:]

    /// The records of `kind` owned by `owners` (nil: every commitment), checked
    /// against the evidence chains in `state`.
    /// - Throws: ``LedgerError`` `.tampered` naming the commitment whose chain differs.
    static func load(_ view: LedgerView, kind: Record.Kind, owners: Set<String>?) throws -> EvidenceBook {
        try load(db: view.db, digests: try view.state().digests, kind: kind, owners: owners) { try Ledger.entry($0, in: view.db) }
    }

    /// One part of every record of `kind`: those whose owning commitment's
    /// id hashes to part `part.index` of `part.count`, checked against those
    /// owners' chains, so that the parts together hold every record and check
    /// every chain, and a reader that needs every record holds one part at a
    /// time (see ``parts(_:kind:recordsPerPart:)``).
    static func load(_ view: LedgerView, kind: Record.Kind, part: (index: Int, count: Int)) throws -> EvidenceBook {
        try load(db: view.db, digests: try view.state().digests, kind: kind, owners: nil, part: part) { try Ledger.entry($0, in: view.db) }
    }

    /// How many parts to read every record of `kind` in, about
    /// `recordsPerPart` records each, at most 1,000 parts. The parts are sized
    /// by the records the checked totals count, which rows added to the
    /// tables cannot inflate (records no longer counted, retracted or
    /// disputed, are not in them, so a part may hold more); any count reads
    /// every record.
    static func parts(_ view: LedgerView, kind: Record.Kind, recordsPerPart: Int = 100_000) throws -> Int {
        var records: Int64 = 0
        for row in try view.state().totals {
            let counted = kind == .breach ? row.amounts.breaches : row.amounts.records &- row.amounts.breaches
            let (sum, overflow) = records.addingReportingOverflow(max(0, counted))
            records = overflow ? .max : sum
        }
        return Int(min(999, records / Int64(max(1, recordsPerPart)))) + 1
    }

    /// As ``load(_:kind:owners:)``, reading entries through `entry`; with
    /// `digests` nil (a write transaction checking what it is about to add
    /// to, whose chains are not written yet) the rows and chains are not checked.
    /// With `owners` nil, `part` keeps only the owners whose id hashes to it.
    static func load(db: Database, digests: [String: VerifiedState.CommitmentDigests]?, kind: Record.Kind, owners: Set<String>?,
                     part: (index: Int, count: Int) = (0, 1), entry: (Int64) throws -> Entry?) throws -> EvidenceBook {
        let table = kind == .verification ? "verifications" : "breaches"
        // An owner's part: by the id's hash as a dictionary keyed by it sees it, so ids it takes as one share a part.
        func inPart(_ owner: String) -> Bool { part.count == 1 || Int(UInt(bitPattern: owner.hashValue) % UInt(part.count)) == part.index }
        // The records each owner holds: their first versions.
        var ownerOf: [Int64: String] = [:]
        let firsts = owners == nil
            ? "SELECT seq, commitment FROM \(table) WHERE seq = record"
            : "SELECT seq, commitment FROM \(table) WHERE commitment = ? AND seq = record"
        for owner in owners.map(Array.init) ?? [""] {
            try db.forEach(firsts, owners == nil ? [] : [owner]) { row in
                let owner = row.text(1)
                if owners != nil || inPart(owner) { ownerOf[row.int64(0)] = owner }
            }
        }
        // Every entry about those records, and the rows they wrote.
        var stored: [String: [Int64: [UInt8]]] = [:]
        var seqs: Set<Int64> = Set(ownerOf.keys)
        func keep(_ table: String, _ row: Row, columns: Range<Int32>) {
            let values = columns.map { row.value($0) }
            guard case .integer(let seq) = values.first else { return }
            stored[table, default: [:]][seq] = StateDigest.serialize(values)
            seqs.insert(seq)
        }
        // The rows of `related` whose `column` names one of `ids`. For every
        // record of the kind at once, one pass over the table (looking each up
        // would cost more; a part looks its records up, so that reading every
        // part costs about one pass, not one per part). Otherwise lookups by
        // index, the ids bound as one JSON
        // array (so that each query is prepared once, however many ids), and
        // the kind's own table read in two: first versions by seq, later ones
        // through the index on `record`, which holds only those (a plain
        // `record IN (…)` read the whole table).
        func collect(_ related: String, of ids: [Int64], column: String = "record") throws {
            guard owners != nil || part.count > 1 else {
                let wanted = Set(ids)
                try db.forEach("SELECT *, \(column) FROM \(related)") { row in
                    // An integer, or a real equal to one, as the indexed lookups match (only a tampered row holds
                    // another type, and a row left out or taken in then differs from what the entries give).
                    let last = Int32(row.count) - 1
                    let named: Int64? = switch row.storageClass(last) {
                    case .integer: row.int64(last)
                    case .real: Int64(exactly: row.double(last))
                    default: nil
                    }
                    if let named, wanted.contains(named) { keep(related, row, columns: 0..<last) }
                }
                return
            }
            guard !ids.isEmpty else { return }
            let list = "SELECT value FROM json_each(?1)"
            let sql = related == table
                ? "SELECT * FROM \(related) WHERE seq IN (\(list)) UNION ALL SELECT * FROM \(related) WHERE record IN (\(list)) AND record <> seq"
                : "SELECT * FROM \(related) WHERE \(column) IN (\(list))"
            try db.forEach(sql, ["[" + ids.map(String.init).joined(separator: ",") + "]"]) { row in
                keep(related, row, columns: 0..<Int32(row.count))
            }
        }
        for related in [table, "corroborations", "corrections", "retractions", "disputes", "adjudications"] {
            try collect(related, of: Array(ownerOf.keys))
        }
        // Retractions of those records' corroborations, and voids of both.
        let corroborationSeqs = Array((stored["corroborations"] ?? [:]).keys)
        try collect("retractions", of: corroborationSeqs)
        try collect("voids", of: Array(ownerOf.keys) + corroborationSeqs, column: "target")

        var book = EvidenceBook(kind: kind)
        var chains: [String: [UInt8]] = [:]
        var expected: [String: [Int64: [UInt8]]] = [:]
        func expect(_ table: String, _ seq: Int64, _ values: [DatabaseValue]) {
            expected[table, default: [:]][seq] = StateDigest.serialize(values)
        }
        var corroborated: [Int64: Int64] = [:]  // corroboration seq → its record
        for seq in seqs.sorted() {
            guard let entry = try entry(seq) else {
                throw LedgerError(.tampered, "the ledger has been altered: entry \(seq) is named by a projection but missing from "
                                  + "the journal", hint: .audit)
            }
            let record: Int64
            switch entry.payload {
            case .verification(let value) where kind == .verification:
                record = seq
                book.histories[seq] = History(record: seq, kind: kind)
                book.histories[seq]?.versions.append(Version(seq: seq, record: .verification(value), recordedAt: entry.recordedAt,
                                                             actor: entry.actor, signer: entry.signer))
            case .breach(let value) where kind == .breach:
                record = seq
                book.histories[seq] = History(record: seq, kind: kind)
                book.histories[seq]?.versions.append(Version(seq: seq, record: .breach(value), recordedAt: entry.recordedAt,
                                                             actor: entry.actor, signer: entry.signer))
            case .correction(let value) where value.replacement.kind == kind:
                record = value.record
                expect("corrections", seq, EvidenceRows.correction(value, seq: seq))
                book.histories[record]?.versions.append(Version(seq: seq, record: value.replacement, recordedAt: entry.recordedAt,
                                                                actor: entry.actor, signer: entry.signer))
            case .corroboration(let value):
                record = value.record
                corroborated[seq] = record
                book.histories[record]?.corroborations.append(CorroborationEntry(seq: seq, corroboration: value,
                                                                                 recordedAt: entry.recordedAt, signer: entry.signer))
            case .retraction(let value):
                expect("retractions", seq, EvidenceRows.retraction(value, seq: seq))
                if let target = corroborated[value.record] {
                    record = target
                    if let index = book.histories[record]?.corroborations.firstIndex(where: { $0.seq == value.record }) {
                        book.histories[record]?.corroborations[index].retracted = seq
                    }
                } else {
                    record = value.record
                    book.histories[record]?.retracted = seq
                }
            case .dispute(let value):
                record = value.record
                book.histories[record]?.disputes.append(DisputeEntry(seq: seq, dispute: value))
            case .void(let value):
                if let target = corroborated[value.entry] {
                    record = target
                    if let index = book.histories[record]?.corroborations.firstIndex(where: { $0.seq == value.entry }) {
                        book.histories[record]?.corroborations[index].voided = seq
                    }
                } else {
                    record = value.entry
                    book.histories[record]?.voided = seq
                }
                if let owner = ownerOf[record] {
                    expect("voids", seq, [.integer(seq), .integer(value.entry), .text(StateEntity.commitment(owner).key), .text(value.reason)])
                }
            case .adjudication(let value):
                record = value.record
                expect("adjudications", seq, EvidenceRows.adjudication(value, seq: seq))
                book.histories[record]?.rulings.append((seq, value))
                if let disputes = book.histories[record]?.disputes {
                    for (index, dispute) in disputes.enumerated() where dispute.adjudication == nil {
                        book.histories[record]?.disputes[index].adjudication = seq
                    }
                }
            default:
                throw LedgerError(.tampered, "the ledger has been altered: entry \(seq), a \(entry.kind.rawValue) entry, is named "
                                  + "as evidence about a \(kind.rawValue)", hint: .audit)
            }
            guard book.histories[record] != nil, let owner = ownerOf[record] else {
                throw LedgerError(.tampered, "the ledger has been altered: entry \(seq) is named as evidence about record \(record), "
                                  + "which the journal does not hold as a \(kind.rawValue)", hint: .audit)
            }
            chains[owner] = StateDigest.chain(chains[owner] ?? StateDigest.emptyChain, seq: seq, content: entry.contentHash.bytes)
        }
        guard let digests else { return book }
        // The rows must be those the entries wrote, marks included.
        for history in book.histories.values {
            for (index, version) in history.versions.enumerated() {
                let superseded = index + 1 < history.versions.count ? history.versions[index + 1].seq : nil
                let retracted = index + 1 == history.versions.count ? history.retracted : nil
                expect(table, version.seq, VersionRows.values(version.record, seq: version.seq, record: history.record)
                       + [EvidenceRows.mark(superseded), EvidenceRows.mark(retracted)])
            }
            for item in history.corroborations {
                expect("corroborations", item.seq, EvidenceRows.corroboration(item.corroboration, seq: item.seq)
                       + [EvidenceRows.mark(item.retracted)])
            }
            for item in history.disputes {
                expect("disputes", item.seq, EvidenceRows.dispute(item.dispute, seq: item.seq) + [EvidenceRows.mark(item.adjudication)])
            }
        }
        for name in Set(stored.keys).union(expected.keys).sorted() {
            let have = stored[name] ?? [:]
            let want = expected[name] ?? [:]
            if let seq = Set(have.keys).union(want.keys).sorted().first(where: { have[$0] != want[$0] }) {
                throw LedgerError(.tampered, "the ledger has been altered: the \(name) row of entry \(seq) is not the one the "
                                  + "journal's entry gives; nothing it shows can be trusted", hint: .audit)
            }
        }
        // Each owner's chain must be the one the state vouches for, including
        // owners whose records all vanished from the tables.
        let checked = owners ?? Set(digests.keys.filter(inPart)).union(chains.keys)
        for owner in checked.sorted() {
            let stored = digests[owner].map { kind == .verification ? $0.verifications : $0.breaches } ?? StateDigest.emptyChain
            guard (chains[owner] ?? StateDigest.emptyChain) == stored else {
                throw LedgerError(.tampered, "the ledger has been altered: the \(kind.rawValue) records of commitment \(owner) do not "
                                  + "match the entries the journal vouches for; nothing it shows can be trusted", hint: .audit)
            }
        }
        return book
    }

    /// Every record, in the order they were first recorded.
    var records: [History] { histories.values.sorted { $0.record < $1.record } }
}

extension EvidenceBook {
    /// The breaches of `commitments` that count towards a guarantee's
    /// triggers, observed on or before `atDay`, in order: confirmed (with
    /// their corroborations), not retracted, rejected, voided or under a
    /// pending dispute, by the commitment's obligor while it was in force.
    func countedBreaches(of commitments: Set<String>, atDay: Int64, state: VerifiedState) -> [TriggerCycles.CountedBreach] {
        var counted: [TriggerCycles.CountedBreach] = []
        for history in records {
            guard let current = history.current, case .breach(let breach) = current.record, commitments.contains(breach.commitment),
                  breach.observed.day <= atDay, history.status(of: history.versions.count - 1, inForce: state.inForce(current.record)) == .current,
                  history.standing(own: breach.source).effective == .confirmed else { continue }
            counted.append(TriggerCycles.CountedBreach(day: breach.observed.day, record: history.record, commitment: breach.commitment))
        }
        return counted.sorted { ($0.day, $0.record) < ($1.day, $1.record) }
    }
}
