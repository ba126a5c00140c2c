/// Rows ready to print, with their column names.
public struct RowSet: Sendable {
    /// The columns, in order.
    public var columns: [Column]
    /// The rows, each one cell per column.
    public var rows: [[Cell]]

    /// Rows under columns named `columns`.
    public init(columns: [String], rows: [[Cell]] = []) {
        self.columns = columns.map(Column.init)
        self.rows = rows
    }
}
