/// An exact decimal quantity: `units` × 10^−`scale`. No floating point:
/// 12.5 tonnes at two decimal places is 1250 units of scale 2.
///
/// A commitment declares its number of decimal places (0–6); every quantity
/// logged against it, and its target, is written at exactly that scale, so
/// sums are sums of integers.
public struct Quantity: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The value in units of 10^-``scale``.
    public var units: Int64
    /// Decimal places (0–6).
    public var scale: UInt8

    /// The most decimal places a commitment may declare.
    public static let maximumScale: UInt8 = 6
    /// The largest quantity accepted, in whole units (at scales 0 to 3).
    public static let maximumWhole: Int64 = 1_000_000_000_000
    /// The most units one quantity may hold at any scale (10^15), so that the
    /// sum of thousands of maximal quantities still fits in 63 bits.
    public static let maximumAnyUnits: Int64 = 1_000_000_000_000_000

    /// The largest number of units at `scale`: ``maximumWhole`` × 10^scale,
    /// at most ``maximumAnyUnits`` (so 10^9 whole units at 6 decimal places).
    public static func maximumUnits(scale: UInt8) -> Int64 { min(maximumWhole * pow10(scale), maximumAnyUnits) }

    /// `units` at `scale` decimal places (1250 at scale 2 is 12.50).
    public init(units: Int64, scale: UInt8 = 0) {
        self.units = units
        self.scale = scale
    }

    /// A whole quantity (scale 0).
    public init(integerLiteral value: Int64) {
        self.init(units: value, scale: 0)
    }

    /// Whether `lhs` is less than `rhs`, compared exactly whatever their scales.
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool {
        // Compared at a common scale; both are bounded, so this cannot overflow.
        let scale = max(lhs.scale, rhs.scale)
        return lhs.units * pow10(scale - lhs.scale) < rhs.units * pow10(scale - rhs.scale)
    }

    /// Decimal text with exactly `scale` places: "12.50", "1000".
    public var description: String { Quantity.format(units, scale: scale) }

    /// `units` at `scale` places as decimal text.
    public static func format(_ units: Int64, scale: UInt8) -> String {
        guard scale > 0 else { return String(units) }
        let divisor = pow10(scale)
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(divisor)
        let fraction = String(magnitude % UInt64(divisor))
        let padded = String(repeating: "0", count: Int(scale) - fraction.count) + fraction
        return (units < 0 ? "-" : "") + "\(whole).\(padded)"
    }

    /// 10^n for n in 0…18.
    static func pow10(_ n: UInt8) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<n { value *= 10 }
        return value
    }
}

extension Parse {
    /// A quantity with at most `scale` decimal places, written with a point
    /// (`12.5`); no sign, no thousands separators. Stored at exactly `scale`.
    /// - Parameter what: names the commitment in messages ("commitment grain counts tonnes").
    static func quantity(_ raw: String, field: Field, scale: UInt8, allowZero: Bool, what: String? = nil) throws -> Quantity {
        if let quantity = plainQuantity(raw, scale: scale), allowZero || quantity.units > 0 { return quantity }
        let text = TextRules.trimmed(raw)
        guard !text.isEmpty else { throw LedgerError.invalid(field, "\(field) is empty; give a number such as 390 or 12.5") }
        let shown = TextRules.printable(text)
        if text.hasPrefix("-") {
            let number = scale == 0 ? "a whole number" : "a number"
            throw LedgerError.invalid(field, "\(field) '\(shown)' is negative; give \(number) \(allowZero ? "0" : "1") or more")
        }
        let bytes = Array(text.utf8)
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        let places = scale == 0 ? "whole numbers" : "at most \(scale) decimal place\(scale == 1 ? "" : "s")"
        let about = what.map { "\($0) takes \(places)" } ?? "it takes \(places)"
        if bytes.contains(UInt8(ascii: ",")) || bytes.contains(UInt8(ascii: " ")) || bytes.contains(UInt8(ascii: "_"))
            || bytes.contains(UInt8(ascii: "'")) {
            throw LedgerError.invalid(field, "\(field) '\(shown)' has a separator: write digits only, with a point before any "
                                       + "decimals (600000, 12.5); \(about)")
        }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(isDigit),
              parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(isDigit)) else {
            throw LedgerError.invalid(field, scale == 0 ? "\(field) '\(shown)' is not a whole number"
                                       : "\(field) '\(shown)' is not a number; write digits with an optional point, such as 12.5")
        }
        // Three digits after a point where fewer are allowed may be a thousands separator ("1.000" for one
        // thousand): refused, even when they are zeros, rather than read as a thousand times less.
        if parts.count == 2 && parts[1].count == 3 && scale < 3 {
            throw LedgerError.invalid(field, "\(field) '\(shown)' has 3 decimal places, but \(about); for thousands write the "
                                       + "digits without a separator (\(String(decoding: whole + parts[1], as: UTF8.self)))")
        }
        var fraction = parts.count == 2 ? Array(parts[1]) : []
        while fraction.count > Int(scale), fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        guard fraction.count <= Int(scale) else {
            throw LedgerError.invalid(field, "\(field) '\(shown)' has \(parts[1].count) decimal places, but \(about)")
        }
        let digits = whole.drop { $0 == UInt8(ascii: "0") }
        let tooLarge = LedgerError.invalid(field, "\(field) '\(shown)' is too large; at most "
            + "\(Quantity.maximumUnits(scale: scale) / Quantity.pow10(scale))\(scale > 0 ? " at \(scale) decimal places" : "")")
        guard digits.count <= 13 else { throw tooLarge }
        var units: Int64 = 0
        for digit in digits { units = units * 10 + Int64(digit - 0x30) }
        guard units <= Quantity.maximumWhole else { throw tooLarge }
        for index in 0..<Int(scale) { units = units * 10 + (index < fraction.count ? Int64(fraction[index] - 0x30) : 0) }
        guard units <= Quantity.maximumUnits(scale: scale) else { throw tooLarge }
        if !allowZero && units == 0 { throw LedgerError.invalid(field, "\(field) must be above 0") }
        return Quantity(units: units, scale: scale)
    }

    /// The quantity written as 1 to 13 digits and nothing else (most are),
    /// read without building the messages of ``quantity(_:field:scale:allowZero:what:)``,
    /// which gives the same value; nil for anything else, or too large.
    private static func plainQuantity(_ raw: String, scale: UInt8) -> Quantity? {
        var units: Int64 = 0
        var count = 0
        for byte in raw.utf8 {
            guard byte >= 0x30 && byte <= 0x39, count < 13 else { return nil }
            units = units * 10 + Int64(byte - 0x30)
            count += 1
        }
        guard count > 0, units <= Quantity.maximumWhole, scale <= Quantity.maximumScale else { return nil }
        let (scaled, overflow) = units.multipliedReportingOverflow(by: Quantity.pow10(scale))
        guard !overflow, scaled <= Quantity.maximumUnits(scale: scale) else { return nil }
        return Quantity(units: scaled, scale: scale)
    }
}
