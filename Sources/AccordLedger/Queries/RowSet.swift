/// Rows ready to print, with their column names.
public struct RowSet: Sendable {
    public var columns: [Column]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]] = []) {
        self.columns = columns.map(Column.init)
        self.rows = rows
    }
}
