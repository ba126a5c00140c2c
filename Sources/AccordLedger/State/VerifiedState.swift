import AccordStorage
import AccordTrust

/// The projections a report reads, read whole (never through an index) and
/// checked against the state root of the journal's last entry, so that every
/// figure printed comes from rows the journal vouches for.
///
/// The same scan feeds the report's model and the leaves: what is hashed is
/// exactly what is used. A row added, removed or changed (a byte of it) by
/// another tool makes the recomputed root differ from the one in the journal,
/// and the read is refused as tampered.
struct VerifiedState {
    var snapshot: Snapshot
    var ledgerID = ""
    /// `commitment_totals` rows.
    var totals: [TotalsRow] = []
    /// commitment → distinct sources whose best confidence rank is each rank.
    var sources: [String: SourceCounts] = [:]
    /// Would-be contributions of records under a pending dispute.
    var disputed: [String: [DisputedKey]] = [:]
    /// commitment → its digests (per-day totals, evidence chains).
    var digests: [String: CommitmentDigests] = [:]
    /// The commitments as recorded (amendments not applied), by id.
    var commitments: [String: Commitment] = [:]
    /// How many of the rows checked were read through a second connection (``load(_:expected:headSeq:sibling:)``).
    var rowsReadBySibling = 0

    /// A commitment's distinct sources by the rank of their best confidence
    /// (0 confirmed, 1 probable, 2 unverified): three counts in place, not a
    /// dictionary each.
    struct SourceCounts {
        private var counts: (Int, Int, Int) = (0, 0, 0)

        /// The count at `rank` (0, 1 or 2, as ``Columns/rank(_:at:)`` checks).
        subscript(rank: Int) -> Int {
            get { rank == 0 ? counts.0 : rank == 1 ? counts.1 : counts.2 }
            set {
                switch rank {
                case 0: counts.0 = newValue
                case 1: counts.1 = newValue
                default: counts.2 = newValue
                }
            }
        }

        /// The sources whose best rank is `threshold` or better.
        func counted(upTo threshold: Int) -> Int { (0..<3).reduce(0) { $0 + ($1 <= threshold ? self[$1] : 0) } }
    }

    struct TotalsRow {
        var commitment: String
        var rank: Int
        var amounts: Amounts
        var lastDay: Int64
        var firstBreachDay: Int64?
    }

    /// A disputed record's would-be contribution: its day and rank, and whether it is a breach.
    struct DisputedKey {
        var day: Int64
        var rank: Int
        var breach: Bool
    }

    struct CommitmentDigests {
        var daily: [UInt8]
        var verifications: [UInt8]
        var breaches: [UInt8]
    }

    /// What the scans of the state tables gather before the snapshot is put together.
    private struct Gathered {
        var state: VerifiedState
        var rows: StateRows
        var reciprocals: [String: String] = [:]
        var dependencies: [String: [(seq: Int64, id: String)]] = [:]
        var covers: [String: [String]] = [:]
        var invocations: [String: [(day: Int64, seq: Int64, date: Moment)]] = [:]
        var commitments: [Snapshot.CommitmentRow] = []
        var parties: [(seq: Int64, id: String, name: String)] = []
        var agreements: [(seq: Int64, id: String, title: String)] = []
        var guarantees: [(seq: Int64, id: String, guarantor: String, consequence: String, days: Int64)] = []

        /// Nothing gathered yet from the state as of entry `seq`, with room for the rows of every
        /// table of tens of thousands of commitments (8 MB and 74,000 rows for 10,000 of them).
        static func whole(seq: Int64) -> Gathered {
            Gathered(state: VerifiedState(snapshot: Snapshot(seq: seq)), rows: StateRows(reserving: 1 << 24, rows: 1 << 17))
        }
    }

    /// What the second connection reads of a large ledger's state: the rows
    /// of ``siblingTables`` and the values taken from them.
    struct SiblingShare: Sendable {
        var rows: StateRows
        var totals: [TotalsRow]
        var sources: [String: SourceCounts]
    }

    /// The tables read on the second thread (the most rows, simple values):
    /// about half of what a report of a ledger of many commitments reads.
    static let siblingTables: Set<String> = ["commitment_totals", "commitment_sources"]

    /// From how many journal entries a view of the file reads
    /// ``siblingTables`` on a second thread, through its own connection
    /// (``LedgerView/state()``). Opening it (SQLite parses the schema twice)
    /// costs about what reading 15,000 of those rows does, so it pays only
    /// with many rows, and the digests the first thread reads meanwhile
    /// grow with the entries: at 10,000 commitments, a report at 20,000
    /// entries took as long either way, at 160,000 10% less time on two
    /// threads, at 1,000,000 15% less (docs/PERFORMANCE.md, "P3: the head
    /// report on both cores").
    static let parallelMinimum: Int64 = 100_000

    /// Each state table once, whichever kinds of entity it serves, with the kind it is scanned for.
    static let scans: [(table: StateEntity.Table, kind: StateEntity.Kind)] = {
        var scans: [(table: StateEntity.Table, kind: StateEntity.Kind)] = []
        for kind in StateEntity.Kind.allCases {
            for table in kind.tables where !scans.contains(where: { $0.table == table }) { scans.append((table, kind)) }
        }
        return scans
    }()

    /// Reads and checks the state after the journal's last entry.
    /// - Parameters:
    ///   - expected: the state root the journal's last entry carries
    ///     (nil only for a replayed copy that ends in the middle of a write,
    ///     whose rows were produced from verified entries).
    ///   - sibling: a second connection for ``siblingTables``, read on
    ///     another thread meanwhile; whatever it does not give, this
    ///     connection reads after its own share. Every row, from either, is
    ///     checked against `expected`.
    /// - Throws: ``LedgerError`` `.tampered` naming what differs.
    static func load(_ db: Database, expected: Hash32?, headSeq: Int64, sibling: SiblingReader? = nil) throws -> VerifiedState {
        var gathered = Gathered.whole(seq: headSeq)
        let theirs = scans.filter { siblingTables.contains($0.table.name) }
        let share = sibling.map { sibling in
            BackgroundWork { () -> SiblingShare? in
                sibling.read { db in
                    // Room for their rows (4.5 MB and 54,000 rows for 10,000 commitments), as for the first thread's.
                    var part = Gathered(state: VerifiedState(snapshot: Snapshot(seq: headSeq)),
                                        rows: StateRows(reserving: 1 << 23, rows: 1 << 17))
                    try scan(db, theirs, into: &part)
                    return SiblingShare(rows: part.rows, totals: part.state.totals, sources: part.state.sources)
                }
            }
        }
        try scan(db, share == nil ? scans : scans.filter { !siblingTables.contains($0.table.name) }, into: &gathered)
        if let share {
            if let part = share.value() {
                gathered.rows.append(part.rows)
                gathered.state.rowsReadBySibling = part.rows.rowCount
                gathered.state.totals = part.totals
                gathered.state.sources = part.sources
            } else {
                try scan(db, theirs, into: &gathered)
            }
        }
        try check(gathered.rows, expected: expected, headSeq: headSeq, db: db)
        var state = gathered.state
        var (parties, agreements) = (gathered.parties, gathered.agreements)
        // Taken out rather than copied: ten thousand commitments are sorted and filled in place.
        var commitments: [Snapshot.CommitmentRow] = []
        swap(&commitments, &gathered.commitments)
        let (reciprocals, dependencies, covers) = (gathered.reciprocals, gathered.dependencies, gathered.covers)

        parties.sort { $0.seq < $1.seq }
        agreements.sort { $0.seq < $1.seq }
        state.snapshot.parties = parties.map { ($0.id, $0.name) }
        state.snapshot.partySeqs = parties.map(\.seq)
        state.snapshot.agreements = agreements.map { ($0.id, $0.title) }
        state.snapshot.agreementSeqs = agreements.map(\.seq)
        commitments.sort { $0.seq < $1.seq }
        for index in commitments.indices where !reciprocals.isEmpty || !dependencies.isEmpty {
            let id = commitments[index].commitment.id
            commitments[index].commitment.reciprocal = reciprocals[id]
            commitments[index].commitment.dependsOn = (dependencies[id] ?? [])
                .sorted { $0.seq != $1.seq ? $0.seq < $1.seq : Array($0.id.utf8).lexicographicallyPrecedes($1.id.utf8) }.map(\.id)
        }
        state.snapshot.commitments = commitments
        state.snapshot.guarantees = gathered.guarantees.sorted { $0.seq < $1.seq }.map { item in
            Snapshot.GuaranteeRow(guarantee: Guarantee(id: item.id, guarantor: item.guarantor,
                                                       covers: (covers[item.id] ?? []).sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) },
                                                       consequence: item.consequence, respondWithinDays: item.days),
                                  seq: item.seq)
        }
        state.commitments = Dictionary(state.snapshot.commitments.lazy.map { ($0.commitment.id, $0.commitment) },
                                       uniquingKeysWith: { first, _ in first })
        for (guarantee, list) in gathered.invocations {
            state.snapshot.invocations[guarantee] = list.sorted { ($0.day, $0.seq) < ($1.day, $1.seq) }
                .map { Snapshot.DatedEntry(seq: $0.seq, date: $0.date) }
        }
        return state
    }

    /// The leaf of every entity that has rows, from every state table read
    /// whole as ``load(_:expected:headSeq:sibling:)`` reads them (the rows
    /// only, no values taken from them), hashed on two threads from
    /// ``StateRows/parallelMinimum`` entities: for a ledger rebuilt from its
    /// journal, whose every entity changed.
    static func leaves(_ db: Database) throws -> [StateEntity: Hash32Bytes] {
        var gathered = Gathered.whole(seq: 0)
        try scan(db, scans, into: &gathered, values: false)
        return Dictionary(zip(gathered.rows.entities, gathered.rows.leaves()), uniquingKeysWith: { first, _ in first })
    }

    /// Reads `scans` whole (never through an index) into `g`: every row into
    /// its entity's leaf, and (unless `values` is false) the values the report uses.
    private static func scan(_ db: Database, _ scans: [(table: StateEntity.Table, kind: StateEntity.Kind)],
                             into g: inout Gathered, values: Bool = true) throws {
        for (table, kind) in scans {
            let statement = try db.prepare("SELECT * FROM \(table.name) NOT INDEXED")
            let columns = Columns(statement.columnNames, table: table.name)
            let entityColumn = try table.column.map { try columns.index($0) }
            // The table's place among its kind's tables (a shared table's rows each say their kind).
            let place = kind.tables.firstIndex(of: table)
            let scanned = values ? Scanned(rawValue: table.name) : nil
            // The columns of the tables with the most rows, found once per scan rather than once per row.
            let totalsColumns = scanned == .totals ? try TotalsColumns(columns) : nil
            let sourcesColumns = scanned == .sources
                ? (rank: try columns.index("confidence"), sources: try columns.index("sources")) : nil
            let cursor = statement.cursor()
            while let current = try cursor.next() {
                try ReadRow.reading(current, columns) { row in
                    let id = try entityColumn.map { try row.text(at: $0) } ?? ""
                    let entity: StateEntity
                    if table.holdsKey {
                        guard let named = StateEntity(key: id), named.kind.tables.contains(table) else {
                            throw LedgerError(.tampered, "the ledger has been altered: \(table.name) names '\(TextRules.printable(id))', "
                                              + "which is not something it can belong to", hint: .audit)
                        }
                        entity = named
                    } else {
                        entity = kind.entity(id)
                    }
                    guard let index = table.holdsKey ? entity.kind.tables.firstIndex(of: table) : place else { return }
                    g.rows.add(row.stored, of: entity, table: index)
                    switch scanned {
                    case .ledger:
                        g.state.ledgerID = try row.text("id")
                    case .parties:
                        g.parties.append((try row.int("seq"), id, try row.text("name")))
                        if let kind = try row.optionalText("kind") { g.state.snapshot.partyKinds[id] = kind }
                    case .agreements:
                        g.agreements.append((try row.int("seq"), id, try row.text("title")))
                        if let date = try row.optionalMoment("date") { g.state.snapshot.agreementDates[id] = date }
                        if let venue = try row.optionalText("venue") { g.state.snapshot.agreementVenues[id] = venue }
                    case .commitments:
                        g.commitments.append(Snapshot.CommitmentRow(commitment: try row.commitment(), seq: try row.int("seq")))
                    case .reciprocals:
                        g.reciprocals[id] = try row.text("counterpart")
                    case .dependencies:
                        g.dependencies[id, default: []].append((try row.int("seq"), try row.text("depends_on")))
                    case .withdrawals:
                        g.state.snapshot.withdrawals[id] = Snapshot.DatedEntry(seq: try row.int("seq"), date: try row.moment("date"))
                    case .totals:
                        guard let at = totalsColumns else { break }
                        g.state.totals.append(TotalsRow(
                            commitment: id, rank: try row.rank(at: at.rank),
                            amounts: Amounts(records: try row.int(at: at.records), quantity: try row.int(at: at.quantity),
                                             done: try row.int(at: at.done), notDone: try row.int(at: at.notDone),
                                             breaches: try row.int(at: at.breaches)),
                            lastDay: try row.int(at: at.lastDay), firstBreachDay: try row.optionalInt(at: at.firstBreachDay)))
                    case .sources:
                        guard let at = sourcesColumns else { break }
                        g.state.sources[id, default: SourceCounts()][try row.rank(at: at.rank)] = Int(try row.int(at: at.sources))
                    case .disputed:
                        g.state.disputed[id, default: []].append(DisputedKey(day: try row.int("day"), rank: try row.rank("rank"),
                                                                           breach: try row.int("breach") == 1))
                    case .digests:
                        g.state.digests[id] = CommitmentDigests(daily: try row.blob("daily"), verifications: try row.blob("verifications"),
                                                              breaches: try row.blob("breaches"))
                    case .guarantees:
                        g.guarantees.append((try row.int("seq"), id, try row.text("guarantor"), try row.text("consequence"),
                                           try row.int("respond_within_days")))
                    case .covers:
                        g.covers[id, default: []].append(try row.text("commitment"))
                    case .invocations:
                        let date = try row.moment("date")
                        g.invocations[id, default: []].append((date.day, try row.int("seq"), date))
                    case .amendments:
                        g.state.snapshot.amendments[entity, default: []].append(try row.amendment(of: entity))
                    case .voids:
                        g.state.snapshot.voided[try row.int("target")] = entity
                    case nil:
                        break
                    }
                }
            }
        }
    }

    /// The tables the scan takes values from (besides hashing every row), by name.
    private enum Scanned: String {
        case ledger, parties, agreements, commitments, reciprocals, dependencies, withdrawals, guarantees, invocations, amendments, voids
        case totals = "commitment_totals", sources = "commitment_sources", disputed = "disputed_contributions"
        case digests = "commitment_digests", covers = "guarantee_covers"
    }

    /// Where the columns of a `commitment_totals` row are.
    private struct TotalsColumns {
        let rank, records, quantity, done, notDone, breaches, lastDay, firstBreachDay: Int

        init(_ columns: Columns) throws {
            rank = try columns.index("confidence")
            records = try columns.index("records")
            quantity = try columns.index("quantity")
            done = try columns.index("done")
            notDone = try columns.index("not_done")
            breaches = try columns.index("breaches")
            lastDay = try columns.index("last_day")
            firstBreachDay = try columns.index("first_breach_day")
        }
    }

    /// Compares the root of `rows` with the expected one, naming what differs.
    private static func check(_ rows: StateRows, expected: Hash32?, headSeq: Int64, db: Database) throws {
        guard let expected else { return }
        let (root, computed) = rows.root()
        guard root != expected.bytes else { return }
        let leaves = Dictionary(zip(rows.entities.map(\.key), computed), uniquingKeysWith: { first, _ in first })
        // Name the first entity whose rows no longer give its stored leaf (the
        // stored leaves are only a hint: they may have been altered too).
        var stored: [String: [UInt8]] = [:]
        try db.forEach("SELECT entity, hash FROM state_leaves NOT INDEXED") { row in stored[row.text(0)] = row.blob(1) }
        let changed = leaves.keys.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }.first { stored[$0] != leaves[$0] }
            ?? stored.keys.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }.first { leaves[$0] == nil }
        let what = changed.map { "the rows of \($0) do not match" } ?? "its rows do not match"
        throw LedgerError(.tampered, "the ledger has been altered: \(what) the state recorded in entry \(headSeq); "
                          + "nothing it shows can be trusted", hint: .audit)
    }
}

extension VerifiedState {
    /// Whether a record can count against its commitment: always for a
    /// verification; for a breach, when it names the commitment's obligor and
    /// falls within the commitment's window (from its agreement's date, for a
    /// quantity or an action), as in force on the day it was observed.
    func inForce(_ record: Record) -> Bool {
        guard case .breach(let breach) = record else { return true }
        guard let commitment = commitments[breach.commitment] else { return false }
        return commitment.party == breach.party && snapshot.inForce(commitment, onDay: breach.observed.day)
    }
}
