import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FaultSuites {
    /// R2: writers killed with SIGKILL at random (seeded) moments.
    ///
    /// Three kinds of victim: single `accord log` / `accord breach` processes
    /// (acknowledged by exiting 0 with "Recorded entry N"), the long-running
    /// `accord-fault-writer` (acknowledging each commit on stdout, and each
    /// checkpoint it signs), and single `accord checkpoint --out FILE` processes.
    /// After every kill the next process must open the file and work; at the end
    /// every acknowledged entry is at its acknowledged seq, every acknowledged
    /// checkpoint is stored and its file verifies, seq is contiguous, the full
    /// audit is clean, and appending still works.
    @Suite("R2 killed processes")
    struct KilledProcessTests {
        static let seed = Faults.seed(0x51C4)

        /// What must have survived.
        struct Acknowledged {
            var entries: [String: Int64] = [:]
            var checkpoints: Set<Int64> = []
            var checkpointFiles: [String] = []
        }

        @Test("every acknowledged entry and checkpoint survives SIGKILL at random moments")
        func killedWriters() throws {
            let (singleKills, writerKills, checkpointKills) = Faults.size(ci: (14, 10, 8), long: (90, 80, 50))
            var random = SeededGenerator(seed: Self.seed)
            let dir = try TemporaryDirectory()
            try dir.accordOK(["demo", "--format", "json"])
            try dir.accordOK(["key", "generate", "--out", "monitor.key"])
            try dir.accordOK(["key", "register", "monitor", "--public", "monitor.key.pub"])
            var acknowledged = Acknowledged()
            var problems: [String] = []
            var kills = (single: 0, writer: 0, checkpoint: 0)
            let started = monotonicSeconds()

            func command(_ id: String, _ n: Int) -> [String] {
                n % 3 == 2
                    ? ["breach", "RU-no-strikes", "--party", "RU", "--observed", "2025-06-02", "--severity", "minor", "--source", "R2", "--id", id]
                    : ["log", "UA-release", "--quantity", "1", "--observed", "2025-05-26", "--source", "R2", "--id", id]
            }

            /// Starts a victim, kills it after `delay` seconds unless it has ended, and reaps it.
            func victim(_ executable: String, _ arguments: [String], after delay: Double) throws -> Finished {
                let process = try Subprocess(executable, arguments.map { Array($0.utf8) }, directory: dir.url.path,
                                             environment: Faults.environment)
                usleep(UInt32(delay * 1_000_000))
                process.kill(SIGKILL)
                return try process.wait()
            }

            // How long one unkilled append takes here, so kills land inside one.
            var durations: [Double] = []
            for n in 0..<3 {
                let finished = try dir.accordOK(command("r2-calibrate-\(n)", n))
                acknowledged.entries["r2-calibrate-\(n)"] = acknowledgedSeq(finished.err)
                durations.append(finished.seconds)
            }
            // A run that ends before its kill shows it is faster than thought: the
            // delays follow the fastest complete run, so kills keep landing
            // inside one however warm the machine gets.
            var append = durations.sorted()[1]

            // 1. Single appends, killed from the middle of argument parsing to past the commit.
            var n = 0
            while kills.single < singleKills {
                n += 1
                let id = "r2-single-\(n)"
                let finished = try victim(Faults.accord, command(id, n), after: Double.random(in: 0.3...1.2, using: &random) * append)
                switch finished.termination {
                case .signaled(SIGKILL): kills.single += 1
                case .exited(0):
                    guard let seq = acknowledgedSeq(finished.err) else {
                        problems.append("\(id): exit 0 without an acknowledgement: \(finished.err)")
                        break
                    }
                    acknowledged.entries[id] = seq
                    append = min(append, finished.seconds)
                default:
                    problems.append("\(id): \(finished.termination) after the previous kill: \(finished.err)")
                }
                if n > singleKills * 20 { break }
            }

            // 2. The long-running writer, signing a checkpoint every third append.
            for round in 0..<writerKills {
                let finished = try victim(Faults.faultWriter, ["--db", "accord.sqlite", "--prefix", "r2-writer-\(round)",
                                                               "--checkpoint-key", "monitor.key", "--checkpoint-every", "3"],
                                          after: Double.random(in: 0.05...0.6, using: &random))
                if finished.termination != .signaled(SIGKILL) {
                    problems.append("writer round \(round): \(finished.termination): \(finished.err)")
                } else {
                    kills.writer += 1
                }
                // Only complete lines count: the kill may cut the last one short.
                for line in finished.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                    let fields = line.split(separator: " ")
                    if fields.count == 3, fields[0] == "ack", let seq = Int64(fields[2]) {
                        acknowledged.entries[String(fields[1])] = seq
                    } else if fields.count == 3, fields[0] == "checkpoint", let size = Int64(fields[1]) {
                        acknowledged.checkpoints.insert(size)
                    }
                }
            }

            // 3. Checkpoint signing, killed at random; each after a fresh append so there is a new size to sign.
            var signing: [Double] = []
            var round = 0
            while kills.checkpoint < checkpointKills && round < checkpointKills * 20 {
                round += 1
                let id = "r2-before-checkpoint-\(round)"
                let appended = try dir.accordOK(command(id, round))
                acknowledged.entries[id] = acknowledgedSeq(appended.err)
                let file = "checkpoint-\(round).txt"
                if signing.isEmpty {
                    // The first one runs to the end, to time it.
                    let finished = try dir.accordOK(["checkpoint", "--key", "monitor.key", "--out", file])
                    signing.append(finished.seconds)
                    acknowledged.checkpointFiles.append(file)
                    continue
                }
                let finished = try victim(Faults.accord, ["checkpoint", "--key", "monitor.key", "--out", file],
                                          after: Double.random(in: 0.3...1.2, using: &random) * (signing.min() ?? 0))
                switch finished.termination {
                case .signaled(SIGKILL):
                    kills.checkpoint += 1
                    // Written atomically: either no file, or a whole checkpoint.
                    if FileManager.default.fileExists(atPath: dir.path(file)) { acknowledged.checkpointFiles.append(file) }
                case .exited(0):
                    acknowledged.checkpointFiles.append(file)
                    signing.append(finished.seconds)
                default:
                    problems.append("checkpoint \(round): \(finished.termination): \(finished.err)")
                }
            }

            // The judge.
            let probe = LedgerProbe(dir.path("accord.sqlite"))
            let journal = try probe.journal()
            let ids = try probe.externalIDs()
            let stored = Set(try probe.checkpointSizes())
            #expect(journal.isContiguous, "seq has a gap")
            for (id, seq) in acknowledged.entries.sorted(by: { $0.value < $1.value }) where ids[id] != seq {
                problems.append("acknowledged \(id) at entry \(seq), but the ledger has \(ids[id].map(String.init) ?? "nothing")")
            }
            for size in acknowledged.checkpoints.sorted() where !stored.contains(size) {
                problems.append("acknowledged checkpoint of size \(size) is not stored")
            }
            let audit = try dir.accord(["audit", "--full"] + acknowledged.checkpointFiles.flatMap { ["--checkpoint", $0] })
            #expect(audit.termination == .exited(0) && audit.out.hasPrefix("verified:"), "\(audit.out) \(audit.err)")
            let after = try dir.accord(command("r2-after", 0))
            #expect(after.termination == .exited(0), "appending after the kills: \(after.err)")
            #expect(problems.isEmpty, "seed \(Self.seed):\n\(problems.prefix(30).joined(separator: "\n"))")

            let total = kills.single + kills.writer + kills.checkpoint
            #expect(total >= singleKills + writerKills + checkpointKills,
                    "only \(total) kills landed: \(kills.single) single appends, \(kills.writer) writers, \(kills.checkpoint) checkpoints")
            Faults.report("R2", "\(total) kills (\(kills.single) single appends, \(kills.writer) fault writers, "
                          + "\(kills.checkpoint) checkpoint signings) in \(String(format: "%.1f", monotonicSeconds() - started)) s, seed \(Self.seed); "
                          + "\(acknowledged.entries.count) acknowledged entries and \(acknowledged.checkpoints.count + acknowledged.checkpointFiles.count) "
                          + "acknowledged checkpoints all present; \(journal.count) entries")
        }
    
        @Test("a large import killed at random is all there or not at all")
        func killedImports() throws {
            let (kills, rows) = Faults.size(ci: (6, 5_000), long: (40, 100_000))
            let expected = ImportFiles.withExternalID(rows)
            var random = SeededGenerator(seed: Self.seed &+ 99)
            let dir = try TemporaryDirectory()
            try dir.accordOK(["demo", "--format", "json"])
            let started = monotonicSeconds()
            // The first import runs to the end, to time one.
            try Data(ImportFiles.csv(prefix: "imp-0", count: rows).utf8).write(to: URL(fileURLWithPath: dir.path("imp-0.csv")))
            let timed = try dir.accordOK(["import", "imp-0.csv", "--quiet"])
            var complete: [String] = ["imp-0"]
            var problems: [String] = []
            var landed = 0
            var round = 0
            while landed < kills && round < kills * 10 {
                round += 1
                let prefix = "imp-\(round)"
                try Data(ImportFiles.csv(prefix: prefix, count: rows).utf8).write(to: URL(fileURLWithPath: dir.path(prefix + ".csv")))
                let process = try Subprocess(Faults.accord, ["import", prefix + ".csv", "--quiet"].map { Array($0.utf8) },
                                             directory: dir.url.path, environment: Faults.environment)
                usleep(UInt32(Double.random(in: 0.05...0.95, using: &random) * timed.seconds * 1_000_000))
                process.kill(SIGKILL)
                let finished = try process.wait()
                let present = ImportFiles.present(prefix: prefix, in: try LedgerProbe(dir.path("accord.sqlite")).externalIDs())
                switch finished.termination {
                case .signaled(SIGKILL):
                    landed += 1
                    if present != 0 && present != expected { problems.append("\(prefix): killed with \(present) of \(expected) rows in the ledger") }
                    if present == expected { complete.append(prefix) }
                case .exited(0):
                    complete.append(prefix)
                    if present != expected { problems.append("\(prefix): acknowledged, but \(present) of \(expected) rows in the ledger") }
                default:
                    problems.append("\(prefix): \(finished.termination) after the previous kill: \(finished.err.prefix(300))")
                }
                try? FileManager.default.removeItem(atPath: dir.path(prefix + ".csv"))
            }
            let probe = LedgerProbe(dir.path("accord.sqlite"))
            let ids = try probe.externalIDs()
            #expect(try probe.journal().isContiguous)
            for prefix in complete where ImportFiles.present(prefix: prefix, in: ids) != expected {
                problems.append("\(prefix) was complete but now has \(ImportFiles.present(prefix: prefix, in: ids)) rows")
            }
            let audit = try dir.accord(["audit", "--full"])
            #expect(audit.termination == .exited(0) && audit.out.hasPrefix("verified:"), "\(audit.out) \(audit.err)")
            try dir.accordOK(["log", "UA-release", "--quantity", "1", "--observed", "2025-05-26", "--source", "R2", "--id", "after-imports"])
            #expect(problems.isEmpty, "seed \(Self.seed):\n\(problems.prefix(30).joined(separator: "\n"))")
            #expect(landed >= kills, "only \(landed) kills landed")
            Faults.report("R2", "\(landed) kills of \(rows)-row imports (one takes \(String(format: "%.2f", timed.seconds)) s) in "
                          + "\(String(format: "%.1f", monotonicSeconds() - started)) s; \(complete.count) imports complete, the rest absent")
        }
}
}
