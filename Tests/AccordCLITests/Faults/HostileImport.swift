import Foundation

/// Import files for the fault suites: large valid ones (R2, R3) and a seeded
/// generator of hostile ones (R4).
enum ImportFiles {
    static let header = ["kind", "id", "commitment", "quantity", "observed", "source", "party", "severity", "name", "note"]

    /// One valid row of the demo ledger: a verification, a breach or a party.
    static func row(prefix: String, index: Int) -> [String] {
        switch index % 5 {
        case 3:
            return ["breach", "\(prefix)-\(index)", "RU-no-strikes", "", "2025-06-02", "Field form", "RU", "minor", "",
                    "row \(index)"]
        case 4 where index % 10 == 9:
            return ["party", "\(prefix)-P\(index)", "", "", "", "", "", "", "Party \(index)", ""]
        default:
            return ["verification", "\(prefix)-\(index)", "UA-release", "1", "2025-05-26", "Field form", "", "", "",
                    "row \(index) of \(prefix)"]
        }
    }

    /// A CSV file of `count` valid rows with ids `<prefix>-<i>` (parties `<prefix>-P<i>`).
    static func csv(prefix: String, count: Int) -> String {
        var text = header.joined(separator: ",") + "\n"
        text.reserveCapacity(count * 80)
        for index in 0..<count { text += row(prefix: prefix, index: index).joined(separator: ",") + "\n" }
        return text
    }

    /// How many of `count` rows carry an external id (all but the parties, one row in ten).
    static func withExternalID(_ count: Int) -> Int { count - count / 10 }

    /// How many external ids starting with `<prefix>-` the ledger holds.
    static func present(prefix: String, in ids: [String: Int64]) -> Int {
        ids.keys.filter { $0.hasPrefix(prefix + "-") }.count
    }
}

/// One hostile import file.
struct HostileImport: Sendable {
    var label: String
    var name: String
    var bytes: [UInt8]
}

/// Seeded generator of import files that must be refused whole: a few valid
/// rows (verifications, breaches, parties; CSV or JSON Lines) broken in one or
/// two ways, in a value or in the file's structure.
struct HostileImportGenerator {
    var values: HostileGenerator
    private var counter = 0

    init(seed: UInt64) {
        values = HostileGenerator(seed: seed)
    }

    /// The field type of a column for a row kind, and whether the row needs it.
    static func field(_ column: String, kind: String) -> (Field, Bool)? {
        switch (column, kind) {
        // A blank kind is a verification, so kind is not required.
        case ("kind", _): return (.word(["verification", "breach", "party"]), false)
        case ("id", "party"): return (.newID, true)
        case ("id", _): return (.line, false)
        case ("commitment", "verification"), ("commitment", "breach"): return (.commitment, true)
        case ("quantity", "verification"): return (.count, true)
        case ("observed", "verification"), ("observed", "breach"): return (.date, true)
        case ("source", "verification"), ("source", "breach"): return (.line, true)
        case ("party", "breach"): return (.party, true)
        case ("severity", "breach"): return (.word(["minor", "major"]), true)
        case ("name", "party"): return (.line, true)
        case ("note", "verification"), ("note", "breach"): return (.text, false)
        default: return nil
        }
    }

    mutating func next() -> HostileImport {
        counter += 1
        let prefix = "hi\(counter)"
        let jsonl = values.chance(0.35)
        var rows = (0..<Int.random(in: 2...8, using: &values.random)).map { ImportFiles.row(prefix: prefix, index: $0) }
            .map { $0.map { Array($0.utf8) } }
        var header = ImportFiles.header.map { Array($0.utf8) }
        var labels: [String] = []
        var structural: [(inout [UInt8]) -> Void] = []
        // Values first, while every row still has every column; then the shape.
        // At most one change of shape: two could undo, or index past, each other.
        var kinds = (0..<(values.chance(0.2) ? 2 : 1)).map { _ in values.chance(0.6) }.sorted { $0 && !$1 }
        if kinds == [false, false] { kinds = [true, false] }
        for isValue in kinds {
            if isValue {
                // A hostile value in a column the row uses.
                let r = Int.random(in: 0..<rows.count, using: &values.random)
                let kind = String(decoding: rows[r][0], as: UTF8.self)
                let columns = ImportFiles.header.indices.filter { Self.field(ImportFiles.header[$0], kind: kind) != nil }
                let c = values.pick(columns)
                let (field, required) = Self.field(ImportFiles.header[c], kind: kind)!
                guard let value = values.hostile(for: field, required: required) else { continue }
                rows[r][c] = value
                labels.append("\(ImportFiles.header[c]) of a \(kind) row")
            } else if jsonl {
                let (label, mutate) = jsonStructure(rows.count)
                labels.append(label)
                structural.append(mutate)
            } else {
                let (label, change) = csvStructure(&header, &rows)
                labels.append(label)
                if let change { structural.append(change) }
            }
        }
        var bytes = jsonl ? Self.jsonl(header: header, rows: rows) : Self.csv(header: header, rows: rows)
        for mutate in structural { mutate(&bytes) }
        return HostileImport(label: (jsonl ? "jsonl: " : "csv: ") + labels.joined(separator: ", "),
                             name: "hostile-\(counter).\(jsonl ? "jsonl" : "csv")", bytes: bytes)
    }

    // MARK: Writing files

    static func csvField(_ value: [UInt8]) -> [UInt8] {
        let special: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "\""), 0x0a, 0x0d]
        guard value.contains(where: special.contains) else { return value }
        return [UInt8(ascii: "\"")] + value.flatMap { $0 == UInt8(ascii: "\"") ? [$0, $0] : [$0] } + [UInt8(ascii: "\"")]
    }

    static func csv(header: [[UInt8]], rows: [[[UInt8]]]) -> [UInt8] {
        var out = Array(header.map(csvField).joined(separator: [UInt8(ascii: ",")])) + [0x0a]
        for row in rows { out += Array(row.map(csvField).joined(separator: [UInt8(ascii: ",")])) + [0x0a] }
        return out
    }

    /// A JSON string; bytes that are not UTF-8 are written raw (and refused by the reader).
    static func jsonString(_ value: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 0..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        return out + [UInt8(ascii: "\"")]
    }

    static func jsonl(header: [[UInt8]], rows: [[[UInt8]]]) -> [UInt8] {
        var out: [UInt8] = []
        for row in rows {
            var members: [[UInt8]] = []
            for (name, value) in zip(header, row) where !value.isEmpty {
                let text = String(decoding: name, as: UTF8.self)
                let number = text == "quantity" && value.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && value.count < 16
                members.append(jsonString(name) + [UInt8(ascii: ":")] + (number ? value : jsonString(value)))
            }
            out += [UInt8(ascii: "{")] + Array(members.joined(separator: [UInt8(ascii: ",")])) + Array("}\n".utf8)
        }
        return out
    }

    // MARK: Structure

    /// Breaks a CSV file's shape; returns a label and, for changes to the
    /// written bytes, a closure applied after writing.
    private mutating func csvStructure(_ header: inout [[UInt8]], _ rows: inout [[[UInt8]]]) -> (String, ((inout [UInt8]) -> Void)?) {
        let r = Int.random(in: 0..<rows.count, using: &values.random)
        switch Int.random(in: 0..<13, using: &values.random) {
        case 0:
            let c = Int.random(in: 0..<header.count, using: &values.random)
            header.append(header[c])
            for index in rows.indices { rows[index].append(rows[index][c]) }
            return ("column \(String(decoding: header[c], as: UTF8.self)) twice", nil)
        case 1:
            let name = values.pick(["bogus", "Commitment", "quantitiy", "observed ", "source;", "id\u{0}", "qty"])
            header.append(Array(name.utf8))
            for index in rows.indices { rows[index].append(Array("x".utf8)) }
            return ("unknown column \(name.debugDescription)", nil)
        case 2:
            let name = values.pick(["source", "observed", "commitment"])
            guard let c = header.firstIndex(of: Array(name.utf8)) else { return ("an empty file", { bytes in bytes = [] }) }
            header.remove(at: c)
            for index in rows.indices { rows[index].remove(at: c) }
            return ("without the column \(name)", nil)
        case 3:
            rows[r].append(Array("extra".utf8))
            return ("a row with a field too many", nil)
        case 4:
            rows[r].removeLast(Int.random(in: 1...3, using: &values.random))
            return ("a row with fields missing", nil)
        case 5:
            return ("a stray quote", { bytes in
                let target = Array("Field form".utf8)
                if let at = Self.find(target, in: bytes) { bytes.insert(UInt8(ascii: "\""), at: at + 3) }
            })
        case 6:
            return ("text after a closing quote", { bytes in
                let target = Array("Field form".utf8)
                if let at = Self.find(target, in: bytes) {
                    bytes.replaceSubrange(at..<(at + target.count), with: Array("\"Field\" form".utf8))
                }
            })
        case 7:
            return ("an unterminated quote at the end", { bytes in
                if bytes.last == 0x0a { bytes.removeLast() }
                bytes += Array(",\"an open quote that never clo".utf8)
            })
        case 8:
            return ("a NUL byte in a field", { bytes in
                let target = Array("Field form".utf8)
                if let at = Self.find(target, in: bytes) { bytes.insert(0, at: at + 5) }
            })
        case 9:
            return ("a UTF-16 byte order mark", { bytes in bytes.insert(contentsOf: [0xff, 0xfe], at: 0) })
        case 10:
            return ("cut in the middle of a date", { bytes in
                let target = Array(",2025-0".utf8)
                var last: Int?
                var from = 0
                while let at = Self.find(target, in: Array(bytes[from...])) { last = from + at; from = from + at + 1 }
                if let last { bytes.removeSubrange((last + target.count)...) }
            })
        case 11:
            return ("an empty file", { bytes in bytes = [] })
        default:
            // Two rows with one id and different content.
            let kind = rows[r][0]
            if let other = rows.indices.first(where: { $0 != r && rows[$0][0] == kind }) {
                rows[other][1] = rows[r][1]
                if kind == Array("verification".utf8) { rows[other][3] = Array("7".utf8) }
                return ("one id on two different rows", nil)
            }
            // Refused for every kind: a party id may not hold a space, and no id a control character.
            rows[r][1] = Array("a b\u{7}".utf8)
            return ("an id with a space and a BEL", nil)
        }
    }

    private mutating func jsonStructure(_ count: Int) -> (String, (inout [UInt8]) -> Void) {
        let options: [(String, (inout [UInt8]) -> Void)] = [
            ("an object cut short", { bytes in
                bytes.removeLast(min(2, bytes.count))  // "}\n"
                if bytes.isEmpty { bytes = Array("{\"commitment\":\"UA-release\"".utf8) }
            }),
            ("a key twice", { bytes in
                if let at = Self.find(Array("\"source\":".utf8), in: bytes) { bytes.insert(contentsOf: Array("\"source\":\"x\",".utf8), at: at) }
            }),
            ("a trailing comma", { bytes in
                if let at = Self.find(Array("}\n".utf8), in: bytes) { bytes.insert(UInt8(ascii: ","), at: at) }
            }),
            ("an object as a value", { bytes in
                if let at = Self.find(Array("\"Field form\"".utf8), in: bytes) {
                    bytes.replaceSubrange(at..<(at + 12), with: Array("{\"name\":\"Field form\"}".utf8))
                }
            }),
            ("an array as a value", { bytes in
                if let at = Self.find(Array("\"Field form\"".utf8), in: bytes) {
                    bytes.replaceSubrange(at..<(at + 12), with: Array("[\"Field\",\"form\"]".utf8))
                }
            }),
            ("a line that is an array", { bytes in bytes = Array("[1,2,3]\n".utf8) + bytes }),
            ("a bare word", { bytes in
                if let at = Self.find(Array("\"Field form\"".utf8), in: bytes) {
                    bytes.replaceSubrange(at..<(at + 12), with: Array("Field".utf8))
                }
            }),
            ("an invalid escape", { bytes in
                if let at = Self.find(Array("Field form".utf8), in: bytes) { bytes.insert(contentsOf: Array("\\x".utf8), at: at) }
            }),
            ("a lone surrogate", { bytes in
                if let at = Self.find(Array("Field form".utf8), in: bytes) { bytes.insert(contentsOf: Array("\\ud83d".utf8), at: at) }
            }),
            ("a huge number", { bytes in
                if let at = Self.find(Array("\"quantity\":1".utf8), in: bytes) {
                    bytes.replaceSubrange((at + 11)..<(at + 12), with: Array("1e400".utf8))
                }
            }),
            ("a negative number", { bytes in
                if let at = Self.find(Array("\"quantity\":1".utf8), in: bytes) {
                    bytes.replaceSubrange((at + 11)..<(at + 12), with: Array("-1".utf8))
                }
            }),
            ("raw bytes that are not JSON", { bytes in bytes += [0x00, 0xff, 0x7b, 0x0a] }),
        ]
        return values.pick(options)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}
