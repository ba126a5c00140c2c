/// One record of an import's input as the reading side hands it to the
/// writing side, in input order.
struct ImportStep: Sendable {
    enum Content: Sendable {
        /// A row, and what it comes to on its own.
        case row(RowOrigin, PreparedRow)
        /// A record that cannot be read as a row.
        case bad(line: Int, message: Phrase)
        /// A row that a `where` filter leaves out.
        case skipped
    }

    var content: Content
    /// The record's bytes as read, when raw records are kept (a rejects file).
    var raw: [UInt8]?
    /// Bytes of the input parsed once this record was read.
    var bytesConsumed: Int
}

/// Hands the importer its input's records (``ImportStep``), read, mapped and
/// prepared (``RowPreparer``) — by default on a thread of its own
/// (``ReadAhead``), while the caller's thread, which owns the connection,
/// applies them in the write transaction: the two cores of a laptop each do
/// part of the work.
///
/// The reading thread works at most ``capacity`` batches of ``batchSize``
/// records ahead, then waits (back-pressure), so memory stays flat whatever
/// the size of the input. Records come out in input order; a failure to read
/// comes out where it happened, after the records before it.
///
/// The reader belongs to the reading thread from ``next()``'s first call
/// until ``stop()``, which every caller must call: it waits for the thread,
/// so an import that fails while the thread waits on a pipe (standard input)
/// returns once that read does, never leaving the thread with the source.
final class ImportReadAhead {
    /// Records handed over at once: the queue is locked once per batch, not per record.
    static let batchSize = 128
    /// Batches the reading thread may be ahead.
    static let capacity = 4

    private let side: ReadingSide
    private let steps: ReadAhead<ImportStep>
    /// Bytes of the input parsed once the last record handed out was read.
    private(set) var bytesConsumed = 0
    /// Whether the end, a failure or ``stop()`` came: nothing more is handed out.
    private var ended = false

    /// - Parameter threaded: read on a thread of its own; false to read on
    ///   the caller's thread, record by record, when asked.
    init(reader: ImportReader, preparer: RowPreparer, threaded: Bool) {
        let side = ReadingSide(reader: reader, preparer: preparer)
        self.side = side
        steps = ReadAhead(batchSize: Self.batchSize, capacity: Self.capacity, threaded: threaded) { try side.next() }
    }

    /// The next record, or nil at the end of the input.
    /// - Throws: what reading the input threw (``LedgerError`` `.io`); after
    ///   that, and after the end, nil.
    func next() throws -> ImportStep? {
        guard !ended else { return nil }
        let step: ImportStep?
        do {
            step = try steps.next()
        } catch {
            ended = true
            throw error
        }
        guard let step else {
            ended = true
            // The reading side is done with the reader once it has handed over the end.
            bytesConsumed = side.reader.bytesConsumed
            return nil
        }
        bytesConsumed = step.bytesConsumed
        return step
    }

    /// Stops the reading thread, if it runs, and waits until it has let go of the reader.
    func stop() {
        ended = true
        steps.stop()
    }
}

/// The reader and the preparer, used by one thread at a time: the reading
/// thread while it runs (``ImportReadAhead``), else the importer's.
private final class ReadingSide: @unchecked Sendable {
    let reader: ImportReader
    let preparer: RowPreparer

    init(reader: ImportReader, preparer: RowPreparer) {
        self.reader = reader
        self.preparer = preparer
    }

    func next() throws -> ImportStep? {
        guard let item = try reader.next() else { return nil }
        let content: ImportStep.Content
        switch item {
        case .row: content = .row(RowOrigin(reader.row), preparer.prepare(reader.row))
        case .bad(let line, let message): content = .bad(line: line, message: message)
        case .skipped: content = .skipped
        }
        return ImportStep(content: content, raw: reader.rawRecord, bytesConsumed: reader.bytesConsumed)
    }
}

