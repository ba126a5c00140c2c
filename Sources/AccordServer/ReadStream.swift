import Foundation
import Synchronization

/// A read whose body is streamed: its media type, and its chunks as a
/// reader of the host renders them.
///
/// The reader runs on its own dispatch queue (never on Swift's cooperative
/// threads) and hands chunks to the response writer through a small bounded
/// buffer (``ChunkPipe``): when the buffer is full the reader's thread
/// blocks until the writer has sent a chunk (a slow client slows the read,
/// and never makes the server hold the body); when it is empty the writer
/// awaits. When the writer goes away (``cancel()``, or the stream is
/// dropped) the reader's next hand-off fails and the read throws out of its
/// transaction.
public final class ReadStream: Sendable {
    public let contentType: String
    let pipe: ChunkPipe
    /// The first chunk, taken before the stream was handed out (nil: none, or taken).
    private let first: Mutex<StreamChunk?>

    init(contentType: String, pipe: ChunkPipe, first: StreamChunk?) {
        self.contentType = contentType
        self.pipe = pipe
        self.first = Mutex(first)
    }

    /// The next chunk and the rows wholly contained in the chunks up to and
    /// including it; nil at the end of a read that succeeded.
    /// - Throws: the read's error (found after the first byte), or
    ///   `CancellationError` when the task is cancelled.
    public func next() async throws -> StreamChunk? {
        if let chunk = first.withLock({ first in defer { first = nil }; return first }) { return chunk }
        return try await pipe.next()
    }

    /// The rows of the whole read, once ``next()`` has returned nil.
    public var rows: Int? { pipe.totalRows }

    /// Stops the read: the reader throws at its next hand-off.
    public func cancel() { pipe.cancel() }

    deinit { pipe.cancel() }
}

/// A chunk of a streamed body.
public struct StreamChunk: Sendable {
    public var bytes: [UInt8]
    /// The rows whose bytes end in this chunk or an earlier one.
    public var rowsThrough: Int
}

/// The consumer has gone: thrown on the reader's thread to end the read.
struct StreamAbandoned: Error {}

/// A bounded hand-off from one producing thread (which blocks when full) to
/// one async consumer (which suspends when empty).
final class ChunkPipe: @unchecked Sendable {
    private enum Ending {
        case finished(rows: Int?)
        case failed(any Error)
    }

    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var chunks: [StreamChunk] = []
    private var ending: Ending?
    private var cancelled = false
    private var waiter: CheckedContinuation<StreamChunk?, any Error>?
    private let capacity: Int

    /// A pipe of at most `capacity` chunks waiting.
    init(capacity: Int = 4) {
        self.capacity = max(1, capacity)
    }

    // MARK: The producer (a reader's thread)

    /// Hands a chunk over, blocking while the buffer is full.
    /// - Throws: ``StreamAbandoned`` when the consumer has gone.
    func send(_ chunk: StreamChunk) throws {
        condition.lock()
        if cancelled {
            condition.unlock()
            throw StreamAbandoned()
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: chunk)
            return
        }
        chunks.append(chunk)
        while chunks.count >= capacity && !cancelled { condition.wait() }
        let gone = cancelled
        condition.unlock()
        if gone { throw StreamAbandoned() }
    }

    /// Whether the consumer has gone.
    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// Ends the stream: a success with its row count, or an error.
    func finish(_ result: Result<Int?, any Error>) {
        condition.lock()
        guard ending == nil else {
            condition.unlock()
            return
        }
        switch result {
        case .success(let rows): ending = .finished(rows: rows)
        case .failure(let error): ending = .failed(error)
        }
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        switch result {
        case .success: waiter?.resume(returning: nil)
        case .failure(let error): waiter?.resume(throwing: error)
        }
    }

    var totalRows: Int? {
        condition.lock()
        defer { condition.unlock() }
        if case .finished(let rows)? = ending { return rows }
        return nil
    }

    // MARK: The consumer (the response writer)

    func next() async throws -> StreamChunk? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<StreamChunk?, any Error>) in
                condition.lock()
                if !chunks.isEmpty {
                    let chunk = chunks.removeFirst()
                    condition.broadcast()
                    condition.unlock()
                    continuation.resume(returning: chunk)
                    return
                }
                if cancelled {
                    condition.unlock()
                    continuation.resume(throwing: CancellationError())
                    return
                }
                switch ending {
                case .finished?:
                    condition.unlock()
                    continuation.resume(returning: nil)
                case .failed(let error)?:
                    condition.unlock()
                    continuation.resume(throwing: error)
                case nil:
                    waiter = continuation
                    condition.unlock()
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The consumer has gone: the producer's next (or current) hand-off throws.
    func cancel() {
        condition.lock()
        cancelled = true
        chunks.removeAll()
        let waiter = self.waiter
        self.waiter = nil
        condition.broadcast()
        condition.unlock()
        waiter?.resume(throwing: CancellationError())
    }
}
