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
    /// commitment → confidence rank → distinct sources whose best rank it is.
    var sources: [String: [Int: Int]] = [:]
    /// Would-be contributions of records under a pending dispute.
    var disputed: [String: [DisputedKey]] = [:]
    /// commitment → its digests (per-day totals, evidence chains).
    var digests: [String: CommitmentDigests] = [:]
    /// The commitments as recorded (amendments not applied), by id.
    var commitments: [String: Commitment] = [:]

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

    /// Reads and checks the state after the journal's last entry.
    /// - Parameter expected: the state root the journal's last entry carries
    ///   (nil only for a replayed copy that ends in the middle of a write,
    ///   whose rows were produced from verified entries).
    /// - Throws: ``LedgerError`` `.tampered` naming what differs.
    static func load(_ db: Database, expected: Hash32?, headSeq: Int64) throws -> VerifiedState {
        var state = VerifiedState(snapshot: Snapshot(seq: headSeq))
        var rows = StateRows()
        var reciprocals: [String: String] = [:]
        var dependencies: [String: [(seq: Int64, id: String)]] = [:]
        var covers: [String: [String]] = [:]
        var invocations: [String: [(day: Int64, seq: Int64, date: Moment)]] = [:]
        var commitments: [Snapshot.CommitmentRow] = []
        var parties: [(seq: Int64, id: String, name: String)] = []
        var agreements: [(seq: Int64, id: String, title: String)] = []
        var guarantees: [(seq: Int64, id: String, guarantor: String, consequence: String, days: Int64)] = []

        // Each table once, whichever kinds of entity it serves.
        var scans: [(table: StateEntity.Table, kind: StateEntity.Kind)] = []
        for kind in StateEntity.Kind.allCases {
            for table in kind.tables where !scans.contains(where: { $0.table == table }) { scans.append((table, kind)) }
        }
        for (table, kind) in scans {
                let statement = try db.prepare("SELECT * FROM \(table.name) NOT INDEXED")
                let columns = Columns(statement.columnNames, table: table.name)
                let entityColumn = try table.column.map { try columns.index($0) }
                let cursor = statement.cursor()
                while let current = try cursor.next() {
                    let row = ReadRow(row: current, columns: columns)
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
                    guard let index = entity.kind.tables.firstIndex(of: table) else { continue }
                    rows.add(current, of: entity, table: index)
                    switch table.name {
                    case "ledger":
                        state.ledgerID = try row.text("id")
                    case "parties":
                        parties.append((try row.int("seq"), id, try row.text("name")))
                        if let kind = try row.optionalText("kind") { state.snapshot.partyKinds[id] = kind }
                    case "agreements":
                        agreements.append((try row.int("seq"), id, try row.text("title")))
                        if let date = try row.optionalMoment("date") { state.snapshot.agreementDates[id] = date }
                        if let venue = try row.optionalText("venue") { state.snapshot.agreementVenues[id] = venue }
                    case "commitments":
                        commitments.append(Snapshot.CommitmentRow(commitment: try row.commitment(), seq: try row.int("seq")))
                    case "reciprocals":
                        reciprocals[id] = try row.text("counterpart")
                    case "dependencies":
                        dependencies[id, default: []].append((try row.int("seq"), try row.text("depends_on")))
                    case "withdrawals":
                        state.snapshot.withdrawals[id] = Snapshot.DatedEntry(seq: try row.int("seq"), date: try row.moment("date"))
                    case "commitment_totals":
                        state.totals.append(TotalsRow(
                            commitment: id, rank: try row.rank("confidence"),
                            amounts: Amounts(records: try row.int("records"), quantity: try row.int("quantity"),
                                             done: try row.int("done"), notDone: try row.int("not_done"),
                                             breaches: try row.int("breaches")),
                            lastDay: try row.int("last_day"), firstBreachDay: try row.optionalInt("first_breach_day")))
                    case "commitment_sources":
                        state.sources[id, default: [:]][try row.rank("confidence")] = Int(try row.int("sources"))
                    case "disputed_contributions":
                        state.disputed[id, default: []].append(DisputedKey(day: try row.int("day"), rank: try row.rank("rank"),
                                                                           breach: try row.int("breach") == 1))
                    case "commitment_digests":
                        state.digests[id] = CommitmentDigests(daily: try row.blob("daily"), verifications: try row.blob("verifications"),
                                                              breaches: try row.blob("breaches"))
                    case "guarantees":
                        guarantees.append((try row.int("seq"), id, try row.text("guarantor"), try row.text("consequence"),
                                           try row.int("respond_within_days")))
                    case "guarantee_covers":
                        covers[id, default: []].append(try row.text("commitment"))
                    case "invocations":
                        let date = try row.moment("date")
                        invocations[id, default: []].append((date.day, try row.int("seq"), date))
                    case "amendments":
                        state.snapshot.amendments[entity, default: []].append(try row.amendment(of: entity))
                    case "voids":
                        state.snapshot.voided[try row.int("target")] = entity
                    default:
                        break
                    }
                }
        }
        try check(rows, expected: expected, headSeq: headSeq, db: db)

        parties.sort { $0.seq < $1.seq }
        agreements.sort { $0.seq < $1.seq }
        state.snapshot.parties = parties.map { ($0.id, $0.name) }
        state.snapshot.partySeqs = parties.map(\.seq)
        state.snapshot.agreements = agreements.map { ($0.id, $0.title) }
        state.snapshot.agreementSeqs = agreements.map(\.seq)
        // In place: ten thousand commitments are not copied twice more.
        commitments.sort { $0.seq < $1.seq }
        for index in commitments.indices where !reciprocals.isEmpty || !dependencies.isEmpty {
            let id = commitments[index].commitment.id
            commitments[index].commitment.reciprocal = reciprocals[id]
            commitments[index].commitment.dependsOn = (dependencies[id] ?? [])
                .sorted { $0.seq != $1.seq ? $0.seq < $1.seq : Array($0.id.utf8).lexicographicallyPrecedes($1.id.utf8) }.map(\.id)
        }
        state.snapshot.commitments = commitments
        state.snapshot.guarantees = guarantees.sorted { $0.seq < $1.seq }.map { item in
            Snapshot.GuaranteeRow(guarantee: Guarantee(id: item.id, guarantor: item.guarantor,
                                                       covers: (covers[item.id] ?? []).sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) },
                                                       consequence: item.consequence, respondWithinDays: item.days),
                                  seq: item.seq)
        }
        state.commitments = Dictionary(state.snapshot.commitments.map { ($0.commitment.id, $0.commitment) },
                                       uniquingKeysWith: { first, _ in first })
        for (guarantee, list) in invocations {
            state.snapshot.invocations[guarantee] = list.sorted { ($0.day, $0.seq) < ($1.day, $1.seq) }
                .map { Snapshot.DatedEntry(seq: $0.seq, date: $0.date) }
        }
        return state
    }

    /// Compares the root of `rows` with the expected one, naming what differs.
    private static func check(_ rows: StateRows, expected: Hash32?, headSeq: Int64, db: Database) throws {
        guard let expected else { return }
        let (root, leaves) = rows.root()
        guard root != expected.bytes else { return }
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

/// Column positions of one scanned table.
struct Columns {
    let names: [String]
    let table: String
    /// Each name's ``fingerprint(_:)``, in column order.
    private let fingerprints: [UInt64]

    init(_ names: [String], table: String) {
        self.names = names
        self.table = table
        fingerprints = names.map(Columns.fingerprint)
    }

    /// A name's byte count and first seven bytes in one word: names that
    /// differ in either never reach a string comparison.
    private static func fingerprint(_ name: String) -> UInt64 {
        var name = name
        return name.withUTF8 { bytes in
            var value = UInt64(truncatingIfNeeded: bytes.count) << 56
            for index in 0..<min(bytes.count, 7) { value |= UInt64(bytes[index]) << (8 * index) }
            return value
        }
    }

    /// A value of the wrong type (or range) in column `name`: tampering.
    func wrong(_ name: String, _ what: String) -> LedgerError {
        LedgerError(.tampered, "\(table).\(name) holds \(what)", hint: .audit)
    }

    /// `value` of column `index` as a confidence rank (0, 1 or 2).
    func rank(_ value: Int64, at index: Int) throws -> Int {
        guard (0...2).contains(value) else { throw wrong(names[index], "the rank \(value), not 0, 1 or 2") }
        return Int(value)
    }

    /// The position of the first column named `name`. A table has a dozen
    /// columns or fewer, and a row is read by name column by column: a scan
    /// of the fingerprints costs less than hashing the name each time, and
    /// only a column whose fingerprint matches is compared as a string.
    func index(_ name: String) throws -> Int {
        let fingerprint = Columns.fingerprint(name)
        guard let index = fingerprints.indices.first(where: { fingerprints[$0] == fingerprint && names[$0] == name }) else {
            throw LedgerError(.tampered, "the table \(table) has no column \(name), as Accord's schema defines", hint: .audit)
        }
        return index
    }
}

/// One scanned row (a statement's current row, valid until it steps), read
/// by column name; a value of the wrong type is tampering.
struct ReadRow {
    let row: Row
    let columns: Columns

    private func wrong(_ name: String, _ what: String) -> LedgerError { columns.wrong(name, what) }

    func text(at index: Int) throws -> String { try row.checkedText(at: index, columns) }

    func text(_ name: String) throws -> String { try text(at: try columns.index(name)) }

    func optionalText(_ name: String) throws -> String? {
        let index = try columns.index(name)
        if row.storageClass(Int32(index)) == .null { return nil }
        return try text(at: index)
    }

    func int(_ name: String) throws -> Int64 { try int(at: try columns.index(name)) }

    func int(at index: Int) throws -> Int64 { try row.checkedInt(at: index, columns) }

    func optionalInt(_ name: String) throws -> Int64? {
        let index = try columns.index(name)
        switch row.storageClass(Int32(index)) {
        case .null: return nil
        case .integer: return row.int64(Int32(index))
        default: throw wrong(name, "a value that is not an integer")
        }
    }

    func blob(_ name: String) throws -> [UInt8] {
        let index = try columns.index(name)
        guard row.storageClass(Int32(index)) == .blob else { throw wrong(name, "a value that is not a blob") }
        return row.blob(Int32(index))
    }

    func rank(_ name: String) throws -> Int { try rank(at: try columns.index(name)) }

    func rank(at index: Int) throws -> Int { try columns.rank(try int(at: index), at: index) }

    func moment(_ name: String) throws -> Moment {
        let text = try text(name)
        guard let moment = try? Moment(canonical: text) else { throw wrong(name, "'\(TextRules.printable(text))', not a date") }
        return moment
    }

    func optionalMoment(_ name: String) throws -> Moment? {
        guard try optionalText(name) != nil else { return nil }
        return try moment(name)
    }

    func word<V: Vocabulary>(_ name: String, _ type: V.Type) throws -> V {
        let text = try text(name)
        guard let value = V(rawValue: text) else { throw wrong(name, "'\(TextRules.printable(text))', not a \(V.noun)") }
        return value
    }

    /// A `commitments` row (its reciprocal and dependencies live in their own tables).
    func commitment() throws -> Commitment {
        let decimals = try int("decimals")
        guard (0...Int64(Quantity.maximumScale)).contains(decimals) else { throw wrong("decimals", "\(decimals)") }
        return Commitment(id: try text("id"), agreement: try text("agreement"), party: try text("party"),
                          kind: try word("kind", CommitmentKind.self), target: try optionalInt("target"),
                          decimals: UInt8(decimals), unit: try optionalText("unit"), due: try optionalMoment("due"),
                          from: try optionalMoment("window_from"), until: try optionalMoment("window_until"),
                          reciprocal: nil, dependsOn: [], text: try optionalText("text"))
    }
}

extension ReadRow {
    /// An `amendments` row of `entity`.
    func amendment(of entity: StateEntity) throws -> Snapshot.AmendmentRow {
        let terms: AmendedTerms
        switch entity {
        case .commitment:
            terms = .commitment(target: try optionalInt("target"), due: try optionalMoment("due"), from: try optionalMoment("window_from"),
                                until: try optionalMoment("window_until"), text: try optionalText("text"))
        case .party:
            terms = .party(name: try optionalText("name"))
        case .agreement:
            terms = .agreement(title: try optionalText("title"), date: try optionalMoment("date"), venue: try optionalText("venue"))
        case .guarantee:
            terms = .guarantee(covers: try optionalText("covers").map { $0.split(separator: " ").map(String.init) },
                               respondWithinDays: try optionalInt("respond_within_days"), consequence: try optionalText("consequence"))
        case .ledger, .key, .token:
            throw LedgerError(.tampered, "amendments holds a row for \(entity.key), which cannot be amended", hint: .audit)
        }
        return Snapshot.AmendmentRow(seq: try int("seq"), effective: try moment("effective"), reason: try text("reason"), terms: terms)
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

/// ``ReadRow``'s typed reads straight from a statement's current row, for
/// scans that read a few columns of many rows (no array of values per row);
/// the same checks, the same errors.
extension Row {
    func checkedInt(at index: Int, _ columns: Columns) throws -> Int64 {
        guard storageClass(Int32(index)) == .integer else { throw columns.wrong(columns.names[index], "a value that is not an integer") }
        return int64(Int32(index))
    }

    func checkedRank(at index: Int, _ columns: Columns) throws -> Int {
        try columns.rank(try checkedInt(at: index, columns), at: index)
    }

    func checkedText(at index: Int, _ columns: Columns) throws -> String {
        guard storageClass(Int32(index)) == .text else { throw columns.wrong(columns.names[index], "a value that is not text") }
        return text(Int32(index))
    }
}
