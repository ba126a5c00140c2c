import AccordCSV
import AccordLedger

/// What an import body holds, read before the ledger sees it: a monitor's
/// token records evidence, so a body with definition rows (parties,
/// agreements, commitments, guarantees) is refused for it.
enum ImportScreen {
    static let definitions: Set<String> = ["party", "agreement", "commitment", "guarantee"]

    /// The first definition kind a row of `bytes` names in its `kind` column,
    /// if any.
    /// - Throws: ``Problem`` `.malformed` for a body that cannot be read.
    static func definitionKind(in bytes: [UInt8], format: ImportFormat) throws -> String? {
        do {
            switch format {
            case .csv:
                let reader = CSVReader(source: ByteSource(bytes: bytes))
                guard let header = try reader.next() else { return nil }
                let names = header.fields.map { normalized($0) }
                guard let column = names.firstIndex(of: "kind") else { return nil }
                while let record = try reader.next() {
                    guard column < record.fields.count else { continue }
                    let kind = normalized(record.fields[column])
                    if definitions.contains(kind) { return kind }
                }
            case .jsonl:
                let reader = JSONLReader(source: ByteSource(bytes: bytes))
                while let record = try reader.next() {
                    for field in record.fields where normalized(field.key) == "kind" {
                        if case .string(let value) = field.value, definitions.contains(normalized(value)) {
                            return normalized(value)
                        }
                    }
                }
            }
        } catch {
            throw Problem(.malformed, "the body cannot be read as \(format.rawValue): \(error)")
        }
        return nil
    }

    static func normalized(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\u{FEFF}" && $0 != " " && $0 != "\t" }).lowercased()
    }
}
