/// Where a ledger gets the time it records entries at, and the date reports
/// judge at by default.
///
/// The engine never reads the environment: a front end that lets its user
/// set the time (the command line's test-time override) hands a ``fixed(_:source:)``
/// clock over; everyone else uses ``system``. Entries recorded at a time
/// that did not come from the system clock are marked as overridden, and a
/// time ahead of the system clock by more than ``Timestamp/allowedSkewMilliseconds``
/// is refused: an entry is never recorded in the future.
public struct LedgerClock: Sendable {
    /// One reading of the clock.
    public struct Reading: Sendable, Equatable {
        /// The time to record at.
        public var time: Timestamp
        /// What set ``time``, named in messages (such as an environment
        /// variable); nil when it is the system clock itself.
        public var source: String?
        /// The machine's own clock, which ``time`` may not run ahead of.
        public var system: Timestamp

        /// A reading of `time`, set by `source` (nil: the system clock), taken when the system clock read `system`.
        public init(time: Timestamp, source: String?, system: Timestamp) {
            self.time = time
            self.source = source
            self.system = system
        }

        /// How an entry recorded at this reading marks its time.
        var clock: RecordingClock { source == nil ? .system : .overridden }
    }

    private let read: @Sendable () throws -> Reading

    /// A clock read by `read`, which may throw (a setting that is not a time).
    public init(_ read: @escaping @Sendable () throws -> Reading) {
        self.read = read
    }

    /// The system clock.
    public static let system = LedgerClock {
        let now = Timestamp.system()
        return Reading(time: now, source: nil, system: now)
    }

    /// A clock stopped at `time`, set by `source` (named in messages).
    public static func fixed(_ time: Timestamp, source: String) -> LedgerClock {
        LedgerClock { Reading(time: time, source: source, system: Timestamp.system()) }
    }

    /// Reads the clock.
    /// - Throws: what the clock's reader throws.
    public func reading() throws -> Reading {
        try read()
    }

    /// The time now, as this clock tells it.
    /// - Throws: what the clock's reader throws.
    public func now() throws -> Timestamp {
        try read().time
    }
}

/// How a ledger connection is set up beyond its path: its clock, and where
/// it may make scratch copies (an as-of read or an audit rebuilds the
/// ledger in a temporary file).
public struct LedgerSettings: Sendable {
    /// The time entries are recorded at.
    public var clock: LedgerClock
    /// A directory for scratch files.
    public var scratchDirectory: String

    /// Settings with `clock` and scratch files in `scratchDirectory`.
    public init(clock: LedgerClock = .system, scratchDirectory: String = "/tmp") {
        self.clock = clock
        self.scratchDirectory = scratchDirectory
    }
}
