import AccordStorage

/// The days a source was cited on, with how many records cited it each day:
/// the `days` column of a `source_totals` row (from schema 19), which holds
/// what the table `daily_source_totals` held in one row per day.
///
/// The bytes (docs/JOURNAL.md, "State roots"): one or more pairs in strictly
/// ascending day, each `varint(u)`, then `varint(refs - 2)` only when the
/// low bit of `u` is set, where `u = gap << 1 | (refs > 1 ? 1 : 0)`; `gap`
/// is the zigzag form of the first day (`day << 1 ^ day >> 63`) and, for each
/// later pair, its day minus the day before (at least 1). A varint is
/// unsigned LEB128 in its shortest form (seven bits a byte, low bits first,
/// the high bit set on every byte but the last, which is not 0 unless it is
/// the only one). Every list has exactly one encoding, and every other byte
/// string is refused, so the bytes and the list determine each other.
enum SourceDays {
    /// One day's count of references (at least 1).
    struct Day: Equatable {
        var day: Int64
        var refs: Int64
    }

    /// A `days` value that is not the encoding of a list.
    struct Malformed: Error {}

    /// The encoding of `days` (ascending days, each refs at least 1, not
    /// empty). Days are those of dates (within ±2^61, far beyond any date),
    /// so that each gap keeps its bits when shifted; the decoder accepts
    /// first days up to ±2^62, which only a forged value holds.
    static func encode(_ days: [Day]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(days.count * 3 + 2)
        var previous: Int64?
        for item in days {
            let gap: UInt64 = previous.map { UInt64(bitPattern: item.day &- $0) }
                ?? UInt64(bitPattern: (item.day << 1) ^ (item.day >> 63))
            appendVarint(&bytes, gap << 1 | (item.refs > 1 ? 1 : 0))
            if item.refs > 1 { appendVarint(&bytes, UInt64(item.refs - 2)) }
            previous = item.day
        }
        return bytes
    }

    /// The list `bytes` encodes.
    /// - Throws: ``Malformed`` unless `bytes` is exactly the encoding of a list.
    static func decode(_ bytes: [UInt8]) throws -> [Day] {
        var days: [Day] = []
        try decode(bytes) { days.append($0) }
        return days
    }

    /// Calls `body` with each day of the list `bytes` encodes, in order
    /// (checking the whole of it: a malformed end throws after the days before it).
    static func decode(_ bytes: [UInt8], _ body: (Day) throws -> Void) throws {
        guard !bytes.isEmpty else { throw Malformed() }
        var index = 0
        var previous: Int64?
        while index < bytes.count {
            let u = try varint(bytes, &index)
            let gap = u >> 1
            let day: Int64
            if let previous {
                guard gap >= 1, gap <= UInt64(Int64.max) else { throw Malformed() }
                let (sum, overflow) = previous.addingReportingOverflow(Int64(gap))
                guard !overflow else { throw Malformed() }
                day = sum
            } else {
                day = Int64(bitPattern: gap >> 1) ^ -Int64(bitPattern: gap & 1)
            }
            var refs: Int64 = 1
            if u & 1 == 1 {
                let extra = try varint(bytes, &index)
                guard extra <= UInt64(Int64.max - 2) else { throw Malformed() }
                refs = Int64(extra) + 2
            }
            try body(Day(day: day, refs: refs))
            previous = day
        }
    }

    private static func appendVarint(_ bytes: inout [UInt8], _ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A shortest-form unsigned LEB128 value of at most 64 bits.
    private static func varint(_ bytes: [UInt8], _ index: inout Int) throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.count else { throw Malformed() }
            let byte = bytes[index]
            index += 1
            let bits = UInt64(byte & 0x7f)
            guard shift < 64, shift < 63 || bits <= 1 else { throw Malformed() }
            value |= bits << shift
            if byte & 0x80 == 0 {
                guard byte != 0 || shift == 0 else { throw Malformed() }
                return value
            }
            shift += 7
        }
    }
}

extension SourceDays {
    /// Applies a source's changes at one rank (day and references added or,
    /// when negative, removed; ascending days) to its `source_totals` row:
    /// inserted, rewritten with the merged days, or deleted when no day is left.
    static func write(_ commitment: String, _ rank: Int64, _ source: String, changes: [(day: Int64, delta: Int64)],
                      db: Database) throws {
        let select = try db.cached("SELECT days FROM source_totals WHERE commitment = ? AND confidence = ? AND source = ?")
        try select.bind(commitment, at: 1)
        try select.bind(rank, at: 2)
        try select.bind(source, at: 3)
        let stored = try select.step() ? select.blob(0) : nil
        select.reset()
        var days: [Day] = []
        if let stored {
            do {
                days = try decode(stored)
            } catch {
                throw LedgerError(.tampered, "the per-day sources of commitment \(commitment) are not as Accord writes them; "
                                  + "nothing was written")
            }
        }
        var merged: [Day] = []
        merged.reserveCapacity(days.count + changes.count)
        var i = 0
        for change in changes {
            while i < days.count, days[i].day < change.day {
                merged.append(days[i])
                i += 1
            }
            var refs = change.delta
            if i < days.count, days[i].day == change.day {
                // A stored count is read from the file: one near 2^63 is not Accord's (and must not trap).
                let (sum, overflow) = refs.addingReportingOverflow(days[i].refs)
                guard !overflow else {
                    throw LedgerError(.tampered, "the per-day sources of commitment \(commitment) are not as Accord writes them; "
                                      + "nothing was written")
                }
                refs = sum
                i += 1
            }
            if refs > 0 { merged.append(Day(day: change.day, refs: refs)) }
        }
        merged.append(contentsOf: days[i...])
        if merged.isEmpty {
            if stored != nil {
                try db.runChecked("DELETE FROM source_totals WHERE commitment = ? AND confidence = ? AND source = ?",
                                  [commitment, rank, source], what: "the source totals")
            }
            return
        }
        let upsert = try db.cached(sourceUpsertSQL)
        try upsert.bind(commitment, at: 1)
        try upsert.bind(rank, at: 2)
        try upsert.bind(source, at: 3)
        try upsert.bind(encode(merged), at: 4)
        try Database.confirm(try upsert.run(), what: "the source totals")
    }

    static let sourceUpsertSQL = """
        INSERT INTO source_totals (commitment, confidence, source, days) VALUES (?, ?, ?, ?)
        ON CONFLICT (commitment, confidence, source) DO UPDATE SET days = excluded.days
        """
}
