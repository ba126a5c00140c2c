import AccordStorage
import AccordTrust

/// One journal row as the audit checks it, with the work that needs nothing
/// but the row done: its leaf hash, its decoding, its content hash, and
/// whether its `kind_code` and `signer` columns agree with its bytes.
struct JournalRead: Sendable {
    /// The decoded entry and what is derived from it alone.
    struct Decoded: Sendable {
        var entry: Entry
        /// ``Entry/contentHash``.
        var contentHash: Hash32
        /// The `kind_code` column holds the entry's kind code as an integer,
        /// and the `signer` column its signer as the same bytes (or NULL).
        var columnsAgree: Bool
    }

    var seq: Int64
    /// The RFC 6962 leaf hash of the entry's bytes as stored.
    var leaf: Hash32
    /// The entry, or why its bytes do not decode canonically.
    var decoded: Result<Decoded, any Error>
    var signature: [UInt8]?
}

/// Hands the audit the journal's rows in order (``JournalRead``), read from
/// `SELECT seq, kind_code, signer, entry, signature FROM journal ORDER BY seq`
/// and hashed and decoded on a thread of its own, while the audit's thread
/// checks them and replays them into its scratch ledger: the two cores each
/// do part of the work, as an import's do (``ImportReadAhead``).
///
/// The cursor, and with it the audited file's connection, belongs to the
/// reading thread from the first ``next()`` until ``stop()``, which every
/// caller must call before using that connection again. The thread works at
/// most ``capacity`` batches ahead; rows come out in order, and a failure to
/// read comes out where it happened. When no thread can be started, the rows
/// are read on the caller's thread.
final class JournalReadAhead {
    /// Rows handed over at once.
    static let batchSize = 256
    /// Batches the reading thread may be ahead.
    static let capacity = 4

    private enum Message: Sendable {
        /// Rows, last first.
        case rows([JournalRead])
        case end
        case failed(any Error)
    }

    private let source: JournalSource
    private var threaded = true
    private var channel: BoundedChannel<Message>?
    private var reading: BackgroundWork<Void>?
    /// The batch being handed out, last row first.
    private var batch: [JournalRead] = []
    private var finished = false

    init(_ cursor: Cursor) {
        source = JournalSource(cursor)
    }

    /// The next row, or nil after the last.
    /// - Throws: what reading the journal threw; after that, nil.
    func next() throws -> JournalRead? {
        guard !finished else { return nil }
        if threaded, channel == nil { start() }
        guard threaded else {
            do {
                guard let row = try source.next() else {
                    finished = true
                    return nil
                }
                return row
            } catch {
                finished = true
                throw error
            }
        }
        while batch.isEmpty {
            switch channel?.take() ?? .end {
            case .rows(let rows):
                batch = rows
            case .end:
                finished = true
                return nil
            case .failed(let error):
                finished = true
                throw error
            }
        }
        return batch.removeLast()
    }

    /// Starts the reading thread; when none can be started, reads on the caller's.
    private func start() {
        let channel = BoundedChannel<Message>(capacity: Self.capacity)
        let source = self.source
        let reading = BackgroundWork { JournalReadAhead.read(source, into: channel) }
        guard reading.started else {
            threaded = false
            return
        }
        self.channel = channel
        self.reading = reading
    }

    /// Stops the reading thread, if it runs, and waits until it has let go of the cursor.
    func stop() {
        finished = true
        batch = []
        guard let channel else { return }
        self.channel = nil
        channel.close()
        _ = reading?.value()
        reading = nil
    }

    /// The reading thread: batches of rows until the end, a failure, or a closed channel.
    private static func read(_ source: JournalSource, into channel: BoundedChannel<Message>) {
        var batch: [JournalRead] = []
        batch.reserveCapacity(batchSize)
        func hand() -> Bool {
            batch.reverse()
            defer { batch = [] }
            return batch.isEmpty || channel.put(.rows(batch))
        }
        do {
            while let row = try source.next() {
                batch.append(row)
                if batch.count == batchSize {
                    guard hand() else { return }
                    batch.reserveCapacity(batchSize)
                }
            }
            guard hand() else { return }
            _ = channel.put(.end)
        } catch {
            guard hand() else { return }
            _ = channel.put(.failed(error))
        }
    }
}

/// The journal's cursor, used by one thread at a time: the reading thread
/// while it runs (``JournalReadAhead``), else the audit's.
private final class JournalSource: @unchecked Sendable {
    let cursor: Cursor

    init(_ cursor: Cursor) { self.cursor = cursor }

    func next() throws -> JournalRead? {
        guard let row = try cursor.next() else { return nil }
        let bytes = row.blob(3)
        // The leaf hash is computed here, never read: the journal keeps no copy of it (schema 18).
        let leaf = Merkle.leafHash(bytes)
        let decoded = Result { () throws -> JournalRead.Decoded in
            let entry = try Entry.decodeCanonical(bytes)
            // Integers as integers, text as bytes (text that Unicode calls equivalent is still different text).
            let agree = row.value(1) == .integer(Int64(entry.kind.code)) && row.isText(2, equalTo: entry.signer)
            return JournalRead.Decoded(entry: entry, contentHash: entry.contentHash, columnsAgree: agree)
        }
        return JournalRead(seq: row.int64(0), leaf: leaf, decoded: decoded, signature: row.optionalBlob(4))
    }
}
