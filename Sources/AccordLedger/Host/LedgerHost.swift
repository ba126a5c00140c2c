import Dispatch

/// A ledger a server (or any concurrent front end) can share between tasks:
/// one writer connection and a small pool of read-only connections, each
/// confined to its own serial dispatch queue.
///
/// Writes are serialised on the writer (so seqs stay contiguous whoever
/// calls); reads run beside them on the readers, each in one read
/// transaction, so a read sees one snapshot of the journal however many
/// queries it makes (SQLite's WAL mode: https://www.sqlite.org/wal.html).
/// The connections' blocking calls — SQLite, and its waits for another
/// process's lock — run on the host's own queues, never on Swift's
/// cooperative thread pool: the async methods suspend until they finish.
///
/// The synchronous ``Ledger`` the command line uses is the same core: the
/// host hands each body a ``Ledger`` that only that queue touches.
public final class LedgerHost: Sendable {
    /// The path of the ledger file.
    public let path: String
    private let writer: Confined
    private let readers: [Confined]
    private let turn: Turn

    /// Opens the ledger at `path` (which must exist) with one writer and
    /// `readers` read-only connections.
    /// - Parameters:
    ///   - readers: how many reads may run at once (at least 1).
    ///   - settings: the clock entries are recorded by, and the scratch directory.
    ///   - lockWait: how long a write waits for another process's lock.
    /// - Throws: ``LedgerError``, as ``Ledger/open(at:readOnly:lockWait:settings:)``.
    public init(path: String, readers: Int = 2, settings: LedgerSettings = LedgerSettings(),
                lockWait: LockWait = .standard) throws {
        self.path = path
        let writer = try Ledger.open(at: path, lockWait: lockWait, settings: settings)
        self.writer = Confined(writer, label: "accord.writer")
        var pool: [Confined] = []
        for index in 0..<max(1, readers) {
            let reader = try Ledger.open(at: path, readOnly: true, lockWait: lockWait, settings: settings)
            pool.append(Confined(reader, label: "accord.reader.\(index)"))
        }
        self.readers = pool
        turn = Turn(count: pool.count)
    }

    /// Runs `body` on the writer connection, after the writes before it.
    /// `body` may call any of the ledger's methods, and its writes are
    /// serialised with every other write through this host.
    /// - Throws: what `body` throws.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws -> T {
        try await writer.run(body)
    }

    /// Runs `body` on a reader, inside one read transaction: every query it
    /// makes sees the same snapshot, whatever is written meanwhile. The
    /// reader with the fewest reads queued takes it, so one long read (an
    /// export) does not hold up the others.
    /// - Throws: what `body` throws, or ``LedgerError`` when the read cannot begin.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws -> T {
        let index = turn.next()
        defer { turn.done(index) }
        return try await readers[index].run { ledger in
            try LedgerError.translating {
                try ledger.database.read(restartable: false) { _ in try body(ledger) }
            }
        }
    }

    /// Records one operation; see ``Ledger/record(_:as:)``.
    /// - Throws: ``LedgerError``.
    public func record(_ operation: LedgerOperation, as recorder: Recorder) async throws -> Receipt {
        try await write { try $0.record(operation, as: recorder) }
    }

    /// Records a batch in one transaction, one result per operation; see
    /// ``Ledger/record(_:as:atomically:)``.
    /// - Throws: ``LedgerError`` only when the ledger itself fails.
    public func record(_ operations: [LedgerOperation], as recorder: Recorder,
                       atomically: Bool = false) async throws -> [OperationResult] {
        try await write { try $0.record(operations, as: recorder, atomically: atomically) }
    }

    /// Records a batch of writes, each as its own recorder with its own
    /// idempotency key, in one transaction; see ``Ledger/record(_:atomically:)``.
    /// A server groups the requests that arrived together into one such
    /// batch (a group commit): one fsync for them all, one result each.
    /// - Throws: ``LedgerError`` only when the ledger itself fails.
    public func record(_ writes: [LedgerWrite], atomically: Bool = false) async throws -> [OperationResult] {
        try await write { try $0.record(writes, atomically: atomically) }
    }

    /// Closes the host once the work queued before has finished: the readers
    /// first, then the writer, whose close (the last of the process) folds
    /// the WAL into the main file. Later calls throw.
    public func close() async {
        for reader in readers { await reader.close() }
        await writer.close()
    }
}

/// A connection and the one queue allowed to touch it.
private final class Confined: @unchecked Sendable {
    // Only ever used on `queue`: the confinement is what makes this Sendable.
    private var ledger: Ledger?
    private let queue: DispatchQueue

    init(_ ledger: Ledger, label: String) {
        self.ledger = ledger
        queue = DispatchQueue(label: label)
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            queue.async {
                guard let ledger = self.ledger else {
                    continuation.resume(throwing: LedgerError(.failure, "the ledger was closed"))
                    return
                }
                continuation.resume(with: Result { try body(ledger) })
            }
        }
    }

    /// Drops the connection (which closes it) after the work queued before.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.ledger = nil
                continuation.resume()
            }
        }
    }
}

/// Hands out the reader with the fewest reads in flight.
private final class Turn: @unchecked Sendable {
    private var inFlight: [Int]
    private var last = 0
    private let lock = DispatchQueue(label: "accord.reader.turn")

    init(count: Int) { inFlight = Array(repeating: 0, count: count) }

    func next() -> Int {
        lock.sync {
            // From the one after the last chosen, so equally busy readers take turns.
            var best = (last + 1) % inFlight.count
            for step in 0..<inFlight.count {
                let index = (last + 1 + step) % inFlight.count
                if inFlight[index] < inFlight[best] { best = index }
            }
            inFlight[best] += 1
            last = best
            return best
        }
    }

    func done(_ index: Int) {
        lock.sync { inFlight[index] -= 1 }
    }
}
