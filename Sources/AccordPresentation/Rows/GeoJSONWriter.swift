import AccordLedger

/// Writes located records as one RFC 7946 GeoJSON FeatureCollection, streaming:
/// each row with a latitude and a longitude becomes a Feature whose geometry is
/// a Point at `[longitude, latitude]` (numbers, as recorded) and whose
/// properties are the row's other fields (camelCase keys, `geoPrecision`
/// among them). Rows without a location are left out and counted; rows that
/// are not records (corroborations) are left out without being counted.
public final class GeoJSONWriter {
    let output: TextOutput
    private let keys: [String]
    private let latIndex: Int?
    private let lonIndex: Int?
    private let kindIndex: Int?
    private let skipped: Set<Int>
    private var started = false
    private var first = true
    /// Records written as features.
    public private(set) var written = 0
    /// Records left out for want of a location.
    public private(set) var unlocated = 0

    /// - Parameter columns: the row's column names (`lat` and `lon` among them).
    public init(columns: [String], output: TextOutput) {
        self.output = output
        keys = columns.map { name in
            var key = ""
            JSON.quote(ImportColumn.camelCased(name), into: &key)
            return key + ":"
        }
        latIndex = columns.firstIndex(of: "lat")
        lonIndex = columns.firstIndex(of: "lon")
        kindIndex = columns.firstIndex(of: "kind")
        skipped = Set([latIndex, lonIndex, columns.firstIndex(of: "corroborates")].compactMap { $0 })
    }

    private func start() {
        guard !started else { return }
        started = true
        output.write("{\"type\":\"FeatureCollection\",\"features\":[")
    }

    /// Writes one row as a Feature, or counts it as unlocated.
    public func write(_ cells: [Cell]) {
        if let kindIndex, kindIndex < cells.count, case .text("corroboration") = cells[kindIndex] { return }
        guard let latIndex, let lonIndex, latIndex < cells.count, lonIndex < cells.count,
              let lat = GeoJSONWriter.number(cells[latIndex]), let lon = GeoJSONWriter.number(cells[lonIndex]) else {
            unlocated += 1
            return
        }
        start()
        var text = first ? "\n" : ",\n"
        first = false
        text += "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(lon),\(lat)]},\"properties\":{"
        var firstProperty = true
        for (index, cell) in cells.enumerated() where index < keys.count && !skipped.contains(index) {
            if !firstProperty { text += "," }
            firstProperty = false
            text += keys[index]
            switch cell {
            case .text(let value): JSON.quote(value, into: &text)
            case .int(let value): text += String(value)
            case .number(let value), .rate(let value): text += Cell.format(value)
            case .decimal(let value): text += value.description
            case .bool(let value): text += value ? "true" : "false"
            case .null: text += "null"
            }
        }
        output.write(text + "}}")
        written += 1
    }

    /// Closes the collection.
    public func finish() {
        start()
        output.line(first ? "]}" : "\n]}")
        output.flush()
    }

    /// A coordinate as a JSON number: the recorded decimal text when it is one.
    static func number(_ cell: Cell) -> String? {
        switch cell {
        case .text(let text):
            guard !text.isEmpty, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }),
                  let value = Double(text), value.isFinite else { return nil }
            return text.hasPrefix(".") || text.hasPrefix("-.") || text.hasSuffix(".") ? Cell.format(value) : text
        case .number(let value) where value.isFinite: return Cell.format(value)
        case .int(let value): return String(value)
        default: return nil
        }
    }
}
