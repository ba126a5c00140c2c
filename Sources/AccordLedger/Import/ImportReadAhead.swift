import Dispatch

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
/// prepared (``RowPreparer``) — by default on a thread of its own, while the
/// caller's thread, which owns the connection, applies them in the write
/// transaction: the two cores of a laptop each do part of the work.
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

    private enum Message: Sendable {
        /// Records, last first.
        case steps([ImportStep])
        case end(bytesConsumed: Int)
        case failed(any Error)
    }

    private let side: ReadingSide
    /// False once no thread could be started: then read on the caller's.
    private var threaded: Bool
    private var channel: BoundedChannel<Message>?
    /// The reading thread, which is done with the reader when it ends.
    private var reading: BackgroundWork<Void>?
    /// The batch being handed out, last record first (each is moved out, not copied).
    private var batch: [ImportStep] = []
    private var finished = false
    /// Bytes of the input parsed once the last record handed out was read.
    private(set) var bytesConsumed = 0

    /// - Parameter threaded: read on a thread of its own; false to read on
    ///   the caller's thread, record by record, when asked.
    init(reader: ImportReader, preparer: RowPreparer, threaded: Bool) {
        side = ReadingSide(reader: reader, preparer: preparer)
        self.threaded = threaded
    }

    /// The next record, or nil at the end of the input.
    /// - Throws: what reading the input threw (``LedgerError`` `.io`); after
    ///   that, and after the end, nil.
    func next() throws -> ImportStep? {
        guard !finished else { return nil }
        if threaded, channel == nil { startReading() }
        guard threaded else {
            do {
                guard let step = try side.next() else {
                    finished = true
                    bytesConsumed = side.reader.bytesConsumed
                    return nil
                }
                bytesConsumed = step.bytesConsumed
                return step
            } catch {
                finished = true
                throw error
            }
        }
        while batch.isEmpty {
            switch receive() {
            case .steps(let steps):
                batch = steps
            case .end(let bytes):
                finished = true
                bytesConsumed = bytes
                return nil
            case .failed(let error):
                finished = true
                throw error
            }
        }
        let step = batch.removeLast()
        bytesConsumed = step.bytesConsumed
        return step
    }

    /// Starts the reading thread; when none can be started, reads on the
    /// caller's thread instead (nothing has been read yet).
    private func startReading() {
        let channel = BoundedChannel<Message>(capacity: ImportReadAhead.capacity)
        let side = self.side
        let reading = BackgroundWork { ImportReadAhead.read(side, into: channel) }
        guard reading.started else {
            threaded = false
            return
        }
        self.channel = channel
        self.reading = reading
    }

    private func receive() -> Message {
        channel?.take() ?? .end(bytesConsumed: bytesConsumed)
    }

    /// Stops the reading thread, if it runs, and waits until it has let go of the reader.
    func stop() {
        guard let channel else { return }
        self.channel = nil
        channel.close()
        _ = reading?.value()
        reading = nil
        batch = []
        finished = true
    }

    /// The reading thread: batches of records until the end, a failure, or a closed channel.
    private static func read(_ side: ReadingSide, into channel: BoundedChannel<Message>) {
        var batch: [ImportStep] = []
        batch.reserveCapacity(batchSize)
        do {
            while let step = try side.next() {
                batch.append(step)
                if batch.count == batchSize {
                    batch.reverse()
                    guard channel.put(.steps(batch)) else { return }
                    batch = []
                    batch.reserveCapacity(batchSize)
                }
            }
            batch.reverse()
            if !batch.isEmpty { guard channel.put(.steps(batch)) else { return } }
            _ = channel.put(.end(bytesConsumed: side.reader.bytesConsumed))
        } catch {
            batch.reverse()
            if !batch.isEmpty { guard channel.put(.steps(batch)) else { return } }
            _ = channel.put(.failed(error))
        }
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

/// A queue between one producing and one consuming thread that holds at
/// most `capacity` elements: ``put(_:)`` waits while it is full.
final class BoundedChannel<Element: Sendable>: @unchecked Sendable {
    // Semaphores made at 0 and signalled up: libdispatch refuses to free one
    // whose count is below the value it was made with.
    private let lock = DispatchSemaphore(value: 0)
    private let free = DispatchSemaphore(value: 0)
    private let filled = DispatchSemaphore(value: 0)
    /// Guarded by `lock`.
    private var elements: [Element] = []
    private var closed = false
    /// The most elements ever queued at once (guarded by `lock`).
    private(set) var peak = 0

    init(capacity: Int) {
        lock.signal()
        for _ in 0..<max(1, capacity) { free.signal() }
    }

    /// Queues `element`, waiting for room.
    /// - Returns: false when the channel was closed (the element is dropped).
    func put(_ element: Element) -> Bool {
        free.wait()
        lock.wait()
        guard !closed else {
            lock.signal()
            free.signal()
            return false
        }
        elements.append(element)
        peak = max(peak, elements.count)
        lock.signal()
        filled.signal()
        return true
    }

    /// The oldest element, waiting for one.
    func take() -> Element {
        filled.wait()
        lock.wait()
        let element = elements.removeFirst()
        lock.signal()
        free.signal()
        return element
    }

    /// Drops what is queued and makes every ``put(_:)`` return false, waking one that waits.
    func close() {
        lock.wait()
        closed = true
        elements.removeAll()
        lock.signal()
        free.signal()
    }
}
