/// Where an import hands the records it rejects, each exactly as it was read
/// and with why: the front end decides where they go (the command line writes
/// them to a rejects file and its companion). The engine opens no file for them.
///
/// Calls come in this order: ``begin(header:byteOrderMark:)`` once the input's
/// header is accepted and before its first row is read; ``reject(raw:line:message:)``
/// for each rejected record, in input order; ``finish()`` once after the last
/// (also when the import fails, in which case what it throws is ignored).
public protocol ImportRejects: AnyObject {
    /// Starts the rejects: `header` is a CSV input's header record exactly as
    /// read, line end included (nil for JSON Lines); `byteOrderMark` is true
    /// when the input started with a UTF-8 byte order mark.
    /// - Throws: to refuse the import before any row is read.
    func begin(header: [UInt8]?, byteOrderMark: Bool) throws
    /// One rejected record: `raw` its bytes exactly as read (a JSON Lines
    /// line without its LF; nil when the record was too long to keep), `line`
    /// the 1-based line of the input it starts on, `message` why it was
    /// rejected (fields named as the input's columns; it may hold line breaks).
    func reject(raw: [UInt8]?, line: Int, message: String)
    /// Ends the rejects after the last record.
    /// - Throws: when what was handed could not be kept: the import reports it.
    func finish() throws
}
