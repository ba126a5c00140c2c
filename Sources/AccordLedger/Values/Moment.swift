/// A date, or a date and time with its zone offset, as given by a user.
///
/// Users write `YYYY-MM-DD` or a full ISO 8601 time with a zone
/// (`2025-05-23T14:00:00+03:00`). A plain date stays a plain date. A time keeps
/// the offset it was given: the canonical text is `YYYY-MM-DDTHH:MM:SS` (with
/// `.sss` when there are milliseconds) followed by `Z` for UTC or `±HH:MM`, and
/// the moment's ``day`` is its *local* calendar date — 01:15 at +03:00 on
/// 18 July is 18 July, the day it happened where it happened. ``timestamp``
/// is the instant, for ordering by time.
public struct Moment: Hashable, Sendable, CustomStringConvertible {
    /// The canonical text.
    public let text: String
    /// The local calendar date, as days since 1970-01-01.
    public let day: Int64
    /// The instant (midnight UTC of the date for a plain date).
    public let timestamp: Timestamp
    /// The zone offset in minutes east of UTC; nil for a plain date.
    public let offsetMinutes: Int64?

    /// The earliest and latest years accepted.
    public static let years: ClosedRange<Int64> = 1900...2999

    /// Parses user input.
    /// - Parameter field: the input, named in the error message.
    /// - Throws: ``LedgerError`` `.invalid(field)` saying what is wrong.
    public init(parsing input: String, field: Field) throws {
        var copy = input
        self = try copy.withUTF8 { try Moment.parse($0, input: input, field: field, label: "\(field)") }
    }

    /// Parses a query option (a report's date, a listing's bound), named in
    /// the error message as an input to give.
    /// - Throws: ``LedgerError`` `.invalid(field)` saying what is wrong.
    public init(parsing input: String, option field: Field) throws {
        var copy = input
        self = try copy.withUTF8 { try Moment.parse($0, input: input, field: field, label: "\(option: field)") }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, input: String, field: Field, label: Phrase) throws -> Moment {
        func fail(_ why: String = "") -> LedgerError {
            let example = "use YYYY-MM-DD or an ISO 8601 time with a zone, e.g. 2025-05-23 or 2025-05-23T14:00:00+03:00"
            return LedgerError.invalid(field, "\(label): '\(TextRules.printable(input))' is not a valid date\(why.isEmpty ? "" : " (\(why))"); \(example)")
        }
        var position = 0
        func number(_ width: Int) throws -> Int64 {
            guard position + width <= bytes.count else { throw fail() }
            var value: Int64 = 0
            for byte in bytes[position..<(position + width)] {
                guard byte >= 0x30 && byte <= 0x39 else { throw fail() }
                value = value * 10 + Int64(byte - 0x30)
            }
            position += width
            return value
        }
        func expect(_ character: UInt8) throws {
            guard position < bytes.count, bytes[position] == character else { throw fail() }
            position += 1
        }
        let year = try number(4)
        try expect(UInt8(ascii: "-"))
        let month = try number(2)
        try expect(UInt8(ascii: "-"))
        let dayOfMonth = try number(2)
        let civil = CivilDate(year: year, month: month, day: dayOfMonth)
        guard civil.isValid else { throw fail("no such day") }
        guard Moment.years.contains(year) else {
            throw fail("years \(Moment.years.lowerBound)–\(Moment.years.upperBound) only")
        }
        if position == bytes.count {
            // Exactly YYYY-MM-DD: the input is already the canonical text.
            return Moment(date: civil, text: input)
        }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[position]) else { throw fail() }
        position += 1
        let hour = try number(2)
        try expect(UInt8(ascii: ":"))
        let minute = try number(2)
        var second: Int64 = 0
        var milliseconds: Int64 = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ":") {
            position += 1
            second = try number(2)
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") || bytes[position] == UInt8(ascii: ",") {
                position += 1
                var digits = 0
                while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
                    guard digits < 3 else { throw fail("at most milliseconds") }
                    milliseconds = milliseconds * 10 + Int64(bytes[position] - 0x30)
                    digits += 1
                    position += 1
                }
                guard digits > 0 else { throw fail() }
                for _ in digits..<3 { milliseconds *= 10 }
            }
        }
        guard hour < 24, minute < 60, second < 60 else { throw fail("no such time") }
        guard position < bytes.count else { throw fail("a time needs a zone, such as Z or +03:00") }
        var offsetMinutes: Int64 = 0
        switch bytes[position] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            position += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = bytes[position] == UInt8(ascii: "+") ? 1 : -1
            position += 1
            let offsetHours = try number(2)
            if position < bytes.count, bytes[position] == UInt8(ascii: ":") { position += 1 }
            let offsetMins = try number(2)
            guard offsetHours <= 14, offsetMins < 60 else { throw fail("no such zone offset") }
            offsetMinutes = sign * (offsetHours * 60 + offsetMins)
        default:
            throw fail()
        }
        guard position == bytes.count else { throw fail() }
        let local = civil.days * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + milliseconds
        let instant = Timestamp(milliseconds: local - offsetMinutes * 60_000)
        guard Moment.years.contains(CivilDate(days: instant.day).year) else {
            throw fail("years \(Moment.years.lowerBound)–\(Moment.years.upperBound) only")
        }
        return Moment(instant: instant, offsetMinutes: offsetMinutes)
    }

    /// Decodes canonical text, refusing anything that is not canonical.
    /// - Parameter utcOnly: refuse a time whose offset is not `Z` (version 1
    ///   of the journal format stored every time in UTC).
    /// - Throws: ``LedgerError`` `.invalid`.
    public init(canonical text: String, utcOnly: Bool = false) throws {
        let moment = try Moment(parsing: text, field: .date)
        guard moment.text == text else { throw LedgerError.invalid(.date, "date '\(text)' is not in canonical form") }
        if utcOnly, let offset = moment.offsetMinutes, offset != 0 {
            throw LedgerError.invalid(.date, "date '\(text)' has a zone offset, which this format version does not allow")
        }
        self = moment
    }

    /// A plain date.
    public init(date: CivilDate) {
        self.init(date: date, text: date.text)
    }

    /// A plain date whose canonical text (`date.text`) is already at hand.
    private init(date: CivilDate, text: String) {
        self.text = text
        day = date.days
        timestamp = Timestamp(milliseconds: date.days * 86_400_000)
        offsetMinutes = nil
    }

    /// An instant, kept with its time of day, as seen at `offsetMinutes` east of UTC.
    public init(instant: Timestamp, offsetMinutes: Int64 = 0) {
        let local = Timestamp(milliseconds: instant.milliseconds + offsetMinutes * 60_000)
        let iso = local.iso8601
        // Drop ".000" when there are no milliseconds.
        var text = instant.milliseconds % 1000 == 0 ? String(iso.prefix(19)) : String(iso.prefix(23))
        if offsetMinutes == 0 {
            text += "Z"
        } else {
            let magnitude = offsetMinutes.magnitude
            text += (offsetMinutes < 0 ? "-" : "+") + pad(Int64(magnitude / 60), 2) + ":" + pad(Int64(magnitude % 60), 2)
        }
        self.text = text
        day = local.day
        timestamp = instant
        self.offsetMinutes = offsetMinutes
    }

    /// The local calendar date.
    public var date: CivilDate { CivilDate(days: day) }

    /// `YYYY-MM-DD` of the local calendar date.
    public var dayText: String { date.text }

    /// True when the moment carries a time of day.
    public var hasTime: Bool { offsetMinutes != nil }

    /// The canonical text.
    public var description: String { text }
}
