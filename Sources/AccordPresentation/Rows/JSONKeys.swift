import AccordLedger

/// JSON keys are camelCase in every command's output (`sourceKind`,
/// `recordedAt`), as the report always wrote them. Row listings and exports
/// named their keys after their columns (`source_kind`) before: until those
/// spellings are dropped (see the README, "JSON keys"), such a key is also
/// written under its old name, right after the camelCase one.
enum JSONKeys {
    /// The keys a column's value is written under: its camelCase name, and
    /// its snake_case name when that differs.
    static func keys(_ column: String) -> [String] {
        let camel = ImportColumn.camelCased(column)
        return camel == column ? [column] : [camel, column]
    }

    /// Members with camelCase keys, each old spelling kept beside its new one.
    static func members(_ pairs: [(String, JSON)]) -> [(String, JSON)] {
        pairs.flatMap { pair in keys(pair.0).map { ($0, pair.1) } }
    }
}
