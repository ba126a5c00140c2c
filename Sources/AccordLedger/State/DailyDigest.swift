import AccordStorage
import Crypto

/// SHA-256 over a commitment's per-day rows, each table as a sorted multiset:
/// its `daily_totals` rows, then its per-day source rows. Since schema 19 the
/// latter are not a table: each day of a `source_totals` row's `days` stands
/// for the row (commitment, day, confidence, source, refs) that the table
/// `daily_source_totals` held before, and is hashed as that row, so the
/// digest (and every state root) is the same whichever way the rows are kept.
///
/// A write checks a commitment's digest before it changes the commitment and
/// computes it again after, so this runs over every per-day row of every
/// commitment a transaction touches: the rows are serialized back to back
/// into one buffer and sorted as spans of it, not as an array each.
struct DailyDigest {
    private var totals = Rows()
    private var sources = Rows()

    /// Serialized rows, back to back, and where each one is.
    private struct Rows {
        var bytes: [UInt8] = []
        var spans: [(start: Int, count: Int)] = []

        /// Records the bytes appended since `start` as one row.
        mutating func close(from start: Int) { spans.append((start, bytes.count - start)) }

        /// No rows, the buffers' capacity kept.
        mutating func removeAll() {
            bytes.removeAll(keepingCapacity: true)
            spans.removeAll(keepingCapacity: true)
        }

        /// The spans in the order of their bytes (as `lexicographicallyPrecedes`
        /// orders them: by the first differing byte, a prefix first).
        func sorted() -> [(start: Int, count: Int)] {
            bytes.withUnsafeBytes { base in
                spans.sorted { a, b in StateDigest.precedes(base, a.start, a.count, b.start, b.count) }
            }
        }
    }

    /// One commitment's `daily_totals` rows, each whole, as ``add(totals:)``
    /// takes them: the one query behind the digest that writes store and
    /// reports check. The columns are named, in the order the migrations
    /// create them (the order `SELECT *` gave, so the digest is unchanged),
    /// and read by position (``totalsColumns``): a connection that parsed an
    /// edited schema (two names swapped in `sqlite_schema` and put back, the
    /// schema cookie unchanged) returns them in another order, which the
    /// digest refuses, where `SELECT *` returned them in the stored order
    /// under the swapped names.
    static let totalsSQL = "SELECT " + totalsColumns.joined(separator: ", ") + " FROM daily_totals WHERE commitment = ?"

    /// The columns of ``totalsSQL``, in order.
    static let totalsColumns = ["commitment", "day", "confidence", "records", "quantity", "done", "not_done", "breaches"]

    /// The columns ``add(sourceTotals:_:)`` takes, of one commitment's `source_totals` rows.
    static let sourcesSQL = "SELECT commitment, confidence, source, days FROM source_totals WHERE commitment = ?"

    /// Adds the current `daily_totals` row of a statement, serialized column
    /// by column as ``StateDigest/serialize(_:)`` serializes `row.values`,
    /// except that text is taken as stored (see ``StateDigest/append(_:to:)``).
    mutating func add(totals row: Row) {
        let start = totals.bytes.count
        StateDigest.append(row, to: &totals.bytes)
        totals.close(from: start)
    }

    /// ``add(totals:)`` of a row whose columns were read once (``StateDigest/withColumns(_:_:)``).
    mutating func add(totals columns: UnsafeBufferPointer<StoredColumn>) {
        let start = totals.bytes.count
        StateDigest.append(columns, to: &totals.bytes)
        totals.close(from: start)
    }

    /// Adds the per-day source rows of the current `source_totals` row of a
    /// statement of ``sourcesSQL`` (its commitment, confidence, source and
    /// days), serialized as ``add(totals:)`` serializes, calling `body` with each day.
    /// - Throws: ``LedgerError`` `.tampered` when `days` is not a list as
    ///   ``SourceDays`` encodes it (so no two byte strings stand for the same rows).
    mutating func add(sourceTotals row: Row, _ body: (SourceDays.Day) throws -> Void = { _ in }) throws {
        guard row.count == 4, row.storageClass(3) == .blob else { throw Self.malformed(row.count > 0 ? row.value(0) : nil) }
        var head: [UInt8] = [], middle: [UInt8] = []
        StateDigest.append(column: 0, of: row, to: &head)
        StateDigest.append(column: 1, of: row, to: &middle)
        StateDigest.append(column: 2, of: row, to: &middle)
        try addSourceDays(head: head, middle: middle, days: row.blob(3), commitment: row.value(0), body)
    }

    /// Adds the rows (commitment, day, confidence, source, refs) that `days`
    /// stands for: `head` is the commitment serialized, `middle` the confidence and source.
    private mutating func addSourceDays(head: [UInt8], middle: [UInt8], days: [UInt8], commitment: @autoclosure () -> DatabaseValue,
                                        _ body: (SourceDays.Day) throws -> Void) throws {
        do {
            try SourceDays.decode(days) { item in
                let start = sources.bytes.count
                sources.bytes.append(contentsOf: head)
                sources.bytes.append(1)
                StateDigest.appendU64(&sources.bytes, UInt64(bitPattern: item.day))
                sources.bytes.append(contentsOf: middle)
                sources.bytes.append(1)
                StateDigest.appendU64(&sources.bytes, UInt64(bitPattern: item.refs))
                sources.close(from: start)
                try body(item)
            }
        } catch is SourceDays.Malformed {
            throw Self.malformed(commitment())
        }
    }

    private static func malformed(_ commitment: DatabaseValue?) -> LedgerError {
        let name = if case .text(let text)? = commitment { " of commitment \(TextRules.printable(text))" } else { "" }
        return LedgerError(.tampered, "the ledger has been altered: the per-day sources\(name) (source_totals.days) are not a "
                           + "list of days as Accord writes it", hint: .audit)
    }

    /// Empties the digest for another commitment, keeping its buffers'
    /// capacity: a report may check thousands of commitments in turn.
    mutating func reset() {
        totals.removeAll()
        sources.removeAll()
    }

    func finish() -> [UInt8] {
        var input: [UInt8] = []
        return finish(reusing: &input)
    }

    /// ``finish()``, gathering the digest's input in `input` (emptied first)
    /// so that a caller checking many commitments allocates it once.
    func finish(reusing input: inout [UInt8]) -> [UInt8] {
        input.removeAll(keepingCapacity: true)
        input.append(contentsOf: StateDigest.dailyTag)
        input.reserveCapacity(input.count + 8 + totals.bytes.count + sources.bytes.count
                              + 4 * (totals.spans.count + sources.spans.count))
        for table in [totals, sources] {
            StateDigest.appendU32(&input, UInt32(table.spans.count))
            table.bytes.withUnsafeBufferPointer { base in
                for span in table.sorted() {
                    StateDigest.appendU32(&input, UInt32(span.count))
                    input.append(contentsOf: UnsafeBufferPointer(rebasing: base[span.start..<(span.start + span.count)]))
                }
            }
        }
        return SHA256.hash(data: input).byteArray
    }
}
