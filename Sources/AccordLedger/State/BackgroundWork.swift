#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Work run once on another thread, and its result waited for, by the
/// thread that started it.
///
/// A thread of its own (`pthread_create`), not a dispatch queue: libdispatch
/// needs file descriptors to start its worker threads and stops the process
/// when it cannot get them (a report under `ulimit -n 5` died with SIGILL),
/// whereas a thread that cannot be started only means the work is done by
/// whoever waits for it. The thread is joined when the value is asked for, or
/// when the work is released unasked (by a caller that threw first).
package final class BackgroundWork<Value: Sendable> {
    /// What the work returned; nil until it has ended.
    private let outcome = BackgroundOutcome<Value>()
    private let work: @Sendable () -> Value
    /// The thread running the work, until joined; nil when none could be started.
    private var thread: pthread_t?
    /// Whether the work runs on a thread of its own (false: no thread could
    /// be started, and ``value()`` will run it).
    package let started: Bool

    /// Starts `work` on a new thread (or, if none can be started, leaves it to ``value()``).
    package init(_ work: @escaping @Sendable () -> Value) {
        self.work = work
        let job = BackgroundJob { [outcome] in
            let result = work()
            outcome.value.withLock { $0 = result }
        }
        let context = Unmanaged.passRetained(job).toOpaque()
        var handle = pthread_t()
        if pthread_create(&handle, nil, runBackgroundJob, context) == 0 {
            thread = handle
            started = true
        } else {
            Unmanaged<BackgroundJob>.fromOpaque(context).release()
            started = false
        }
    }

    deinit {
        if let thread { pthread_join(thread, nil) }
    }

    /// Waits for the work to end (runs it here if no thread could be
    /// started); what it returned.
    package func value() -> Value {
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        if let done = outcome.value.withLock({ $0 }) { return done }
        let result = work()
        outcome.value.withLock { $0 = result }
        return result
    }
}

/// Where a ``BackgroundWork`` thread leaves its result.
private final class BackgroundOutcome<Value: Sendable>: Sendable {
    let value = Mutex<Value?>(nil)
}

/// The work as a thread runs it: a C entry point takes no generic context.
private final class BackgroundJob {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// The entry point of a ``BackgroundWork`` thread: runs and releases its job.
private func runBackgroundJob(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    Unmanaged<BackgroundJob>.fromOpaque(context).takeRetainedValue().body()
    return nil
}
