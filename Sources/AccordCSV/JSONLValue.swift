/// A JSON value that may stand in a JSONL record: anything but an object or an array.
public enum JSONLValue: Hashable, Sendable {
    /// A string, unescaped.
    case string(String)
    /// A number exactly as written (`-0.50`, `1e3`, `12345678901234567890`): no `Double` round
    /// trip, so the importer can check integers and decimals itself.
    case number(String)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
}
