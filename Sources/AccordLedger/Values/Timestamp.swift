#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant, as milliseconds since 1970-01-01T00:00:00Z (UTC).
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    /// The instant `milliseconds` after the epoch.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// Whether `lhs` is earlier.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// The system clock.
    public static func system() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// How far ahead of this machine's clock a recording time may be (clocks of
    /// two machines writing one ledger disagree a little): five minutes.
    public static let allowedSkewMilliseconds: Int64 = 5 * 60_000

    /// The UTC day this instant falls on, as days since 1970-01-01.
    public var day: Int64 { milliseconds.floorDivided(by: 86_400_000) }

    /// `YYYY-MM-DDTHH:MM:SS.sssZ`, always 24 characters for years 1000–9999.
    public var iso8601: String {
        let day = self.day
        // The remainder, never the product: `day * 86_400_000` overflows for a time near Int64.min.
        let rest = milliseconds % 86_400_000
        let msOfDay = rest < 0 ? rest + 86_400_000 : rest
        let civil = CivilDate(days: day)
        let seconds = msOfDay / 1000
        guard (0...9999).contains(civil.year) else {
            return civil.text + "T" + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":"
                + pad(seconds % 60, 2) + "." + pad(msOfDay % 1000, 3) + "Z"
        }
        // Written digit by digit: this runs once per entry in imports and audits.
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var index = 0
            func put(_ value: Int64, _ width: Int) {
                var divisor: Int64 = 1
                for _ in 1..<width { divisor *= 10 }
                while divisor > 0 {
                    buffer[index] = UInt8(truncatingIfNeeded: 0x30 + value / divisor % 10)
                    index += 1
                    divisor /= 10
                }
            }
            func mark(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            put(civil.year, 4); mark(0x2D); put(civil.month, 2); mark(0x2D); put(civil.day, 2); mark(0x54)
            put(seconds / 3600, 2); mark(0x3A); put(seconds / 60 % 60, 2); mark(0x3A); put(seconds % 60, 2)
            mark(0x2E); put(msOfDay % 1000, 3); mark(0x5A)
            return index
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.sssZ` (``iso8601``).
    public var description: String { iso8601 }
}

/// A proleptic Gregorian calendar date.
public struct CivilDate: Hashable, Comparable, Sendable {
    /// The year (proleptic Gregorian; may be before 1).
    public var year: Int64
    /// The month, 1–12.
    public var month: Int64
    /// The day of the month, 1–31.
    public var day: Int64

    /// The date `year`-`month`-`day` (not checked: see the parsing initialisers).
    public init(year: Int64, month: Int64, day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (H. Hinnant's civil_from_days).
    public init(days: Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil).
    public var days: Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// True when the month and day exist in that year.
    public var isValid: Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        return day <= CivilDate.daysIn(month: month, year: year)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD`.
    public var text: String { pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }

    /// Whether `lhs` is earlier.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.days < rhs.days }
}

/// Zero-pads a non-negative number to `width` digits.
func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension Int64 {
    /// Division rounding towards negative infinity.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
