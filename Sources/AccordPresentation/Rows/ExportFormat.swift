import AccordLedger

/// The formats `accord export` writes: the row formats, and GeoJSON for the
/// tables whose rows have a location.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// The row formats of a table export, and GeoJSON for located records.
    case csv, tsv, ndjson, json, markdown, table, geojson

    /// The row format, for all but GeoJSON.
    public var rows: OutputFormat? { OutputFormat(rawValue: rawValue) }
}
