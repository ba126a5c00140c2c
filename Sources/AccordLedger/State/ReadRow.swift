import AccordStorage

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

/// One scanned row (a statement's current row, its columns each read once by
/// ``StateDigest/withColumns(_:_:)``: valid until the statement steps), read
/// by column name; a value of the wrong type is tampering.
struct ReadRow {
    let stored: UnsafeBufferPointer<StoredColumn>
    let columns: Columns

    /// Calls `body` with the current row of a statement, its columns read once.
    static func reading<T>(_ row: Row, _ columns: Columns, _ body: (ReadRow) throws -> T) rethrows -> T {
        try StateDigest.withColumns(row) { try body(ReadRow(stored: $0, columns: columns)) }
    }

    private func wrong(_ name: String, _ what: String) -> LedgerError { columns.wrong(name, what) }

    func text(at index: Int) throws -> String {
        guard stored[index].storage == .text else { throw wrong(columns.names[index], "a value that is not text") }
        return stored[index].text
    }

    func text(_ name: String) throws -> String { try text(at: try columns.index(name)) }

    func optionalText(_ name: String) throws -> String? {
        let index = try columns.index(name)
        if stored[index].storage == .null { return nil }
        return try text(at: index)
    }

    func int(_ name: String) throws -> Int64 { try int(at: try columns.index(name)) }

    func int(at index: Int) throws -> Int64 {
        guard stored[index].storage == .integer else { throw wrong(columns.names[index], "a value that is not an integer") }
        return stored[index].int
    }

    func optionalInt(_ name: String) throws -> Int64? { try optionalInt(at: try columns.index(name)) }

    func optionalInt(at index: Int) throws -> Int64? {
        switch stored[index].storage {
        case .null: return nil
        case .integer: return stored[index].int
        default: throw wrong(columns.names[index], "a value that is not an integer")
        }
    }

    func blob(_ name: String) throws -> [UInt8] {
        let index = try columns.index(name)
        guard stored[index].storage == .blob else { throw wrong(name, "a value that is not a blob") }
        return [UInt8](stored[index].bytes)
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
