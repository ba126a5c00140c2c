import Dispatch

/// Items made in order on a thread of its own and handed to the thread that
/// asks for them (``next()``), at most `capacity` batches of `batchSize`
/// items, or of `batchWeight` in all (``init(batchSize:capacity:threaded:weight:batchWeight:_:)``),
/// ahead (back-pressure: memory stays flat whatever the number or size of the items).
/// The importer's reading of its input (``ImportReadAhead``) and the audit's
/// reading of the journal (``JournalReadAhead``) both use it: the two cores
/// each do part of the work.
///
/// Whatever `produce` uses belongs to the producing thread from the first
/// ``next()`` until ``stop()``, which every caller must call before using it
/// again; a failure to produce comes out where it happened, after the items
/// before it. When no thread can be started, or when made unthreaded, the
/// items are made on the caller's thread as they are asked for.
final class ReadAhead<Item: Sendable> {
    private enum Message: Sendable {
        /// Items, last first.
        case items([Item])
        case end
        case failed(any Error)
    }

    private let produce: @Sendable () throws -> Item?
    private let batchSize: Int
    private let capacity: Int
    private let weight: @Sendable (Item) -> Int
    private let batchWeight: Int
    /// False once no thread could be started: then produce on the caller's.
    private var threaded: Bool
    private var channel: BoundedChannel<Message>?
    /// The producing thread, which is done with what `produce` uses when it ends.
    private var producing: BackgroundWork<Void>?
    /// The batch being handed out, last item first (each is moved out, not copied).
    private var batch: [Item] = []
    private var finished = false

    /// - Parameters:
    ///   - threaded: produce on a thread of its own; false to produce on the caller's, item by item, when asked.
    ///   - weight: an item's size (its bytes, say): a batch is handed over once its items weigh `batchWeight`,
    ///     even with fewer than `batchSize` of them, so that large items cannot pile up.
    ///   - produce: the next item, nil at the end.
    init(batchSize: Int, capacity: Int, threaded: Bool = true, weight: @escaping @Sendable (Item) -> Int = { _ in 0 },
         batchWeight: Int = .max, _ produce: @escaping @Sendable () throws -> Item?) {
        self.produce = produce
        self.batchSize = max(1, batchSize)
        self.capacity = capacity
        self.threaded = threaded
        self.weight = weight
        self.batchWeight = batchWeight
    }

    /// A caller that forgot ``stop()`` must not leave the thread waiting for room forever.
    deinit { stop() }

    /// The next item, or nil after the last.
    /// - Throws: what producing threw; after that, and after the end, nil.
    func next() throws -> Item? {
        guard !finished else { return nil }
        if threaded, channel == nil { start() }
        guard threaded else {
            do {
                guard let item = try produce() else {
                    finished = true
                    return nil
                }
                return item
            } catch {
                finished = true
                throw error
            }
        }
        while batch.isEmpty {
            switch channel?.take() ?? .end {
            case .items(let items):
                batch = items
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

    /// Starts the producing thread; when none can be started, produces on the caller's (nothing has been made yet).
    private func start() {
        let channel = BoundedChannel<Message>(capacity: capacity)
        let (produce, batchSize, weight, batchWeight) = (produce, batchSize, weight, batchWeight)
        let producing = BackgroundWork {
            ReadAhead.run(produce, batchSize: batchSize, weight: weight, batchWeight: batchWeight, into: channel)
        }
        guard producing.started else {
            threaded = false
            return
        }
        self.channel = channel
        self.producing = producing
    }

    /// Stops the producing thread, if it runs, and waits until it has let go of what `produce` uses.
    func stop() {
        finished = true
        batch = []
        guard let channel else { return }
        self.channel = nil
        channel.close()
        _ = producing?.value()
        producing = nil
    }

    /// The producing thread: batches of items until the end, a failure, or a closed channel.
    private static func run(_ produce: @Sendable () throws -> Item?, batchSize: Int, weight: @Sendable (Item) -> Int,
                            batchWeight: Int, into channel: BoundedChannel<Message>) {
        var batch: [Item] = []
        batch.reserveCapacity(batchSize)
        var weighed = 0
        /// Hands the batch over; false when the channel was closed.
        func hand() -> Bool {
            defer {
                batch = []
                batch.reserveCapacity(batchSize)
                weighed = 0
            }
            guard !batch.isEmpty else { return true }
            batch.reverse()
            return channel.put(.items(batch))
        }
        do {
            while let item = try produce() {
                weighed += weight(item)
                batch.append(item)
                if batch.count == batchSize || weighed >= batchWeight { guard hand() else { return } }
            }
            guard hand() else { return }
            _ = channel.put(.end)
        } catch {
            guard hand() else { return }
            _ = channel.put(.failed(error))
        }
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
