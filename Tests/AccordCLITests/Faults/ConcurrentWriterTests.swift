import Foundation
import Testing

extension FaultSuites {
    /// R1: many `accord` processes append at once while others read.
    ///
    /// W writer threads each run P `accord log` / `accord breach` processes one
    /// after another, each with its own external id (`r1-w<W>-<i>`), while reader
    /// threads run `accord report` and `accord audit` in a loop. Afterwards the
    /// journal holds exactly the expected entries, seq is contiguous, each
    /// writer's entries are in its own order at the seqs it was told, every writer
    /// and reader exited 0 (no BUSY reached a caller), and the audit is clean.
    @Suite("R1 concurrent writers")
    struct ConcurrentWriterTests {
        struct WriterResult: Sendable {
            var acknowledged: [String: Int64] = [:]
            var seconds: [Double] = []
        }

        @Test("concurrent appends from separate processes are all kept, in order, with no BUSY")
        func concurrentAppends() async throws {
            let (writers, perWriter, readers) = Faults.size(ci: (4, 250, 1), long: (8, 1_000, 2))
            let dir = try TemporaryDirectory()
            try dir.accordOK(["demo", "--format", "json"])
            let base = try LedgerProbe(dir.path("accord.sqlite")).count()

            let problems = Problems()
            let writersDone = AtomicFlag()
            let started = monotonicSeconds()
            async let readerRuns: [Int] = onThreads(readers) { reader in
                var runs = 0
                while !writersDone.isSet {
                    let arguments = runs % 2 == reader % 2 ? ["audit"] : ["report", "--at", "2025-06-10", "--format", "json"]
                    let finished = try dir.accord(arguments)
                    if finished.termination != .exited(0) {
                        problems.add("reader \(reader): accord \(arguments[0]) ended with \(finished.termination): "
                                     + "\(finished.out.prefix(600)) \(finished.err)")
                    } else if arguments[0] == "audit", !finished.out.hasPrefix("verified:") {
                        problems.add("reader \(reader): audit during writes did not verify: \(finished.out.prefix(300))")
                    }
                    runs += 1
                }
                return runs
            }
            let results = try await onThreads(writers) { writer -> WriterResult in
                var result = WriterResult()
                for index in 0..<perWriter {
                    let id = "r1-w\(writer)-\(index)"
                    let arguments = index % 5 == 4
                        ? ["breach", "RU-no-strikes", "--party", "RU", "--observed", "2025-06-02", "--severity", "minor",
                           "--source", "Writer \(writer)", "--id", id]
                        : ["log", "UA-release", "--quantity", "1", "--observed", "2025-05-26", "--source", "Writer \(writer)", "--id", id]
                    let finished = try dir.accord(arguments)
                    result.seconds.append(finished.seconds)
                    guard finished.termination == .exited(0) else {
                        problems.add("writer \(writer) #\(index): \(finished.termination): \(finished.err)")
                        continue
                    }
                    // "Recorded entry N: …" is the acknowledgement, with the seq.
                    guard let seq = acknowledgedSeq(finished.err) else {
                        problems.add("writer \(writer) #\(index): no acknowledgement: \(finished.err)")
                        continue
                    }
                    result.acknowledged[id] = seq
                }
                return result
            }
            writersDone.set()
            let runs = try await readerRuns
            let seconds = monotonicSeconds() - started

            let probe = LedgerProbe(dir.path("accord.sqlite"))
            let journal = try probe.journal()
            let ids = try probe.externalIDs()
            #expect(Int64(journal.count) == base + Int64(writers * perWriter), "expected \(base) + \(writers * perWriter) entries")
            #expect(journal.isContiguous, "seq has a gap or a duplicate")
            for (writer, result) in results.enumerated() {
                var previous: Int64 = 0
                for index in 0..<perWriter {
                    let id = "r1-w\(writer)-\(index)"
                    guard let seq = ids[id] else {
                        problems.add("\(id) is missing")
                        continue
                    }
                    if seq <= previous { problems.add("\(id) at seq \(seq) is not after the writer's previous entry (\(previous))") }
                    if let acknowledged = result.acknowledged[id], acknowledged != seq {
                        problems.add("\(id) was acknowledged as entry \(acknowledged) but is at \(seq)")
                    }
                    previous = seq
                }
            }
            let audit = try dir.accord(["audit", "--full"])
            #expect(audit.termination == .exited(0) && audit.out.hasPrefix("verified:"), "\(audit.out) \(audit.err)")
            let found = problems.all
            #expect(found.isEmpty, "\(found.count) problems:\n\(found.prefix(30).joined(separator: "\n"))")

            let latencies = results.flatMap(\.seconds).sorted()
            let p99 = latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
            Faults.report("R1", "\(writers) writers × \(perWriter) appends + \(readers) readers (\(runs.reduce(0, +)) reads) in "
                          + "\(String(format: "%.1f", seconds)) s; per append median \(String(format: "%.3f", latencies.isEmpty ? 0 : latencies[latencies.count / 2])) s, "
                          + "p99 \(String(format: "%.3f", p99)) s, max \(String(format: "%.3f", latencies.last ?? 0)) s; \(journal.count) entries")
        }
    }
}

/// The seq in "Recorded entry N: …" (or "Already recorded as entry N").
func acknowledgedSeq(_ stderr: String) -> Int64? {
    for prefix in ["Recorded entry ", "Already recorded as entry "] {
        if let range = stderr.range(of: prefix) {
            let digits = stderr[range.upperBound...].prefix { $0.isNumber }
            return Int64(digits)
        }
    }
    return nil
}
