import Synchronization

/// A bound on the heavy reads running at once: exports, journal exports and
/// briefs. Each holds one of the host's readers (and its snapshot) for as
/// long as its body is being sent, so beyond the bound a request is refused
/// at once with 503 and `Retry-After`, rather than queueing behind reads
/// that may last as long as their slowest client.
final class HeavyReads: Sendable {
    let limit: Int
    private let running = Mutex(0)

    /// At most `limit` at once (0: no bound).
    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// A slot, given back when the permit is released (it is also given back
    /// if the permit is dropped without that).
    final class Permit: Sendable {
        private let owner: HeavyReads
        private let released = Mutex(false)

        fileprivate init(owner: HeavyReads) { self.owner = owner }

        func release() {
            let first = released.withLock { released in
                defer { released = true }
                return !released
            }
            if first { owner.running.withLock { $0 -= 1 } }
        }

        deinit { release() }
    }

    /// A slot, or a 503 problem (`Retry-After: 1`) when all are taken.
    func acquire() throws -> Permit {
        let granted = running.withLock { running -> Bool in
            guard limit == 0 || running < limit else { return false }
            running += 1
            return true
        }
        guard granted else {
            var problem = Problem(.busy, "\(limit) exports, journal exports or briefs are already running, the most the server "
                                  + "runs at once (accord serve --max-heavy-reads); try again shortly")
            problem.headers[.retryAfter] = "1"
            throw problem
        }
        return Permit(owner: self)
    }

    /// How many are running (for tests and metrics).
    var inUse: Int { running.withLock { $0 } }
}
