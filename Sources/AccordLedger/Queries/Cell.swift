/// One value in a row of output.
public enum Cell: Sendable, Equatable {
    /// Text.
    case text(String)
    /// An integer.
    case int(Int64)
    /// A floating-point number (rates); whole values are written without a fraction.
    case number(Double)
    /// A boolean.
    case bool(Bool)
    /// A fraction in [0, 1]: a number in data formats, a percentage in tables.
    case rate(Double)
    /// An exact decimal quantity, written with its scale's places ("12.50").
    case decimal(Quantity)
    /// No value (an empty cell, JSON null).
    case null

    /// Text, or an empty cell for nil.
    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    /// An integer, or an empty cell for nil.
    public init(_ value: Int64?) { self = value.map { .int($0) } ?? .null }
    /// An integer, or an empty cell for nil.
    public init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
    /// A number, or an empty cell for nil.
    public init(_ value: Double?) { self = value.map { .number($0) } ?? .null }

    /// A rate, or null.
    public static func fraction(_ value: Double?) -> Cell { value.map { .rate($0) } ?? .null }

    /// The value as plain text (empty for null), for CSV and TSV.
    public var plain: String {
        switch self {
        case .text(let text): text
        case .int(let value): String(value)
        case .number(let value), .rate(let value): Cell.format(value)
        case .decimal(let value): value.description
        case .bool(let value): value ? "true" : "false"
        case .null: ""
        }
    }

    /// A quantity of `units` at `scale` decimal places, or null.
    public static func quantity(_ units: Int64?, scale: UInt8) -> Cell {
        units.map { .decimal(Quantity(units: $0, scale: scale)) } ?? .null
    }

    /// The value for a human-readable table ("-" for null).
    public var display: String {
        switch self {
        case .null: return "-"
        case .bool(let value): return value ? "yes" : "no"
        case .rate(let value):
            // Like the rates themselves, a partial rate never shows as 0% or 100%: one under 0.05% shows as
            // "<0.1%" (not 0.1%, up to a hundred times what it is), one over 99.95% as 99.9%.
            var tenths = (value * 1000).rounded()
            if value > 0 && tenths <= 0 { return "<0.1%" }
            if value < 1 && tenths >= 1000 { tenths = 999 }
            // A rate no ledger's totals give (they are bounded): its shortest text, never a trap converting it.
            guard tenths.isFinite, tenths.magnitude < 1e15 else { return Cell.format((value * 100).rounded()) + "%" }
            let whole = Int64(tenths) / 10, tenth = Int64(tenths) % 10
            return tenth == 0 ? "\(whole)%" : "\(tenths < 0 && whole == 0 ? "-" : "")\(whole).\(tenth.magnitude)%"
        default: return plain
        }
    }

    package var isNumeric: Bool {
        switch self {
        case .int, .number, .rate, .decimal: true
        default: false
        }
    }

    /// Shortest round-trip text of a number; integral values without ".0".
    package static func format(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// A named column of output.
public struct Column: Sendable, Equatable {
    /// The column's name, as headers and JSON keys print it.
    public var name: String
    /// A column named `name`.
    public init(_ name: String) { self.name = name }
}
