import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How long a connection waits for another process's lock, and the notice it
/// gives while it waits: SQLite's busy handler
/// (https://www.sqlite.org/c3ref/busy_handler.html), with one clock for a whole
/// write transaction however often it is retried.
///
/// The clock starts at the first wait of a transaction (or of a statement
/// outside one). Past ``Database/Configuration/lockNoticeMilliseconds`` the
/// notice runs, once; past ``Database/Configuration/lockWaitMilliseconds`` the
/// handler gives up and the statement fails with SQLITE_BUSY.
final class LockWaiter {
    let limit: Double
    let noticeAfter: Double
    let notice: (@Sendable () -> Void)?
    /// When the current wait began (monotonic seconds); nil when none has.
    private(set) var waitStart: Double?
    private var noticed = false
    /// Inside a transaction the clock keeps running across retries.
    private var inTransaction = false
    private(set) var transactionStart = 0.0

    init(configuration: Database.Configuration) {
        limit = Double(configuration.lockWaitMilliseconds) / 1000
        noticeAfter = Double(configuration.lockNoticeMilliseconds) / 1000
        notice = configuration.onLockWait
    }

    /// Starts the clock of a transaction.
    func beginTransaction() {
        inTransaction = true
        waitStart = nil
        transactionStart = LockWaiter.now()
    }

    func endTransaction() {
        inTransaction = false
        waitStart = nil
    }

    /// Seconds waited in this transaction (since its start when no wait was seen).
    var waited: Double { LockWaiter.now() - (waitStart ?? transactionStart) }

    /// Whether the transaction has waited as long as it may.
    var exhausted: Bool { LockWaiter.now() - transactionStart >= limit }

    /// Called by SQLite while a lock is held elsewhere: waits a little and
    /// says whether to try again.
    func shouldRetry(count: Int32) -> Bool {
        let now = LockWaiter.now()
        if waitStart == nil || (!inTransaction && count == 0) { waitStart = now }
        let elapsed = now - (waitStart ?? now)
        guard elapsed < limit else { return false }
        if !noticed, elapsed >= noticeAfter {
            noticed = true
            notice?()
        }
        // Short sleeps at first (a writer's commit takes milliseconds), then 25 ms.
        let step = count < 10 ? 0.001 * Double(count + 1) : 0.025
        usleep(UInt32(max(0.0005, min(step, limit - elapsed)) * 1_000_000))
        return true
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Installs the handler on `handle`; the waiter must outlive the connection's use of it.
    func install(on handle: OpaquePointer) {
        sqlite3_busy_handler(handle, { context, count in
            guard let context else { return 0 }
            return Unmanaged<LockWaiter>.fromOpaque(context).takeUnretainedValue().shouldRetry(count: count) ? 1 : 0
        }, Unmanaged.passUnretained(self).toOpaque())
    }
}
