import AccordStorage
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FaultSuites {
    /// R5: random bit flips in a closed ledger file, and in its write-ahead log.
    ///
    /// Each trial copies a pristine file set, flips 1–8 random (seeded) bits, and
    /// runs `accord audit` with a signed checkpoint kept outside the file. The
    /// audit may say the file is corrupt, tampered, unverifiable or not a ledger;
    /// it must never crash (no signal, no Swift trap), and when it says
    /// "verified" the logical content must be what it was: the journal export,
    /// every table read by full scan, and the fulfilment report (read through the
    /// indexes) all identical. A flip in unused space changes none of them. Then
    /// `accord report` and `accord log` run on the damaged copy, and must not crash.
    @Suite("R5 corruption")
    struct CorruptionTests {
        static let seed = Faults.seed(0xB17F)

        /// A ledger and what it holds, to compare damaged copies against.
        struct Pristine: Sendable {
            var files: [String: [UInt8]]
            var export: String
            var report: String
            var tables: [String: [String]]
        }

        /// Tables whose content is the ledger's: every table (more than the
        /// journal and its projections), read by full scan, but for two things no
        /// verifier can check: the migration log (applied_at is informational; a
        /// changed checksum refuses the file) and when a checkpoint was signed
        /// (checkpoints.signed_at is not covered by the signature; the audit
        /// checks only that it is a well-formed time; see docs/RELIABILITY.md).
        static func content(_ probe: LedgerProbe) throws -> [String: [String]] {
            var tables = try probe.dump(excluding: ["checkpoints": ["signed_at"]])
            tables.removeValue(forKey: "schema_migrations")
            return tables
        }

        static func snapshot(_ dir: TemporaryDirectory, names: [String]) throws -> Pristine {
            let export = try dir.accordOK(["journal", "export"]).out
            let report = try dir.accordOK(["report", "--at", "2025-06-10", "--format", "json"]).out
            let tables = try content(LedgerProbe(dir.path("accord.sqlite")))
            var files: [String: [UInt8]] = [:]
            for name in names { files[name] = readAll(dir.path(name)) }
            return Pristine(files: files, export: export, report: report, tables: tables)
        }

        /// Builds the ledger: the demo, a key, more entries, a stored checkpoint,
        /// and last the outside checkpoint (so losing any commit is detectable).
        static func build(_ dir: TemporaryDirectory, extra: Int) throws {
            try dir.accordOK(["demo", "--format", "json"])
            try dir.accordOK(["key", "generate", "--out", "monitor.key"])
            try dir.accordOK(["key", "register", "monitor", "--public", "monitor.key.pub"])
            try dir.accordOK(["checkpoint", "--key", "monitor.key", "--out", "early.cp"])
            for index in 0..<extra {
                try dir.accordOK(["log", "UA-release", "--quantity", "1", "--observed", "2025-05-26", "--source", "R5", "--id", "r5-\(index)",
                                  "--note", "entry \(index) of the corruption fixture", "--sign-with", "monitor.key"])
            }
            try dir.accordOK(["dispute", "r5-0", "--by", "RU", "--reason", "denied"])
            try dir.accordOK(["checkpoint", "--key", "monitor.key", "--out", "outside.cp"])
        }

        enum Verdict: String { case verified, tampered, corrupt, unverifiable, notALedger = "not a ledger", refused }

        /// Flips bits in copies of `pristine` and judges each; returns the tally of verdicts.
        static func trials(_ pristine: Pristine, count: Int, target: String, seed: UInt64, problems: Problems) async throws -> [String: Int] {
            let threads = 2
            let tallies = try await onThreads(threads) { worker -> [String: Int] in
                var random = SeededGenerator(seed: seed &+ UInt64(worker))
                var tally: [String: Int] = [:]
                for trial in stride(from: worker, to: count, by: threads) {
                    let dir = try TemporaryDirectory()
                    for (name, bytes) in pristine.files { try Data(bytes).write(to: URL(fileURLWithPath: dir.path(name))) }
                    var bytes = pristine.files[target]!
                    var flipped: [String] = []
                    for _ in 0..<(Bool.random(using: &random) ? 1 : Int.random(in: 2...8, using: &random)) {
                        let offset = Int.random(in: 0..<bytes.count, using: &random)
                        let bit = UInt8(1) << UInt8.random(in: 0...7, using: &random)
                        bytes[offset] ^= bit
                        flipped.append("\(offset):\(bit)")
                    }
                    try Data(bytes).write(to: URL(fileURLWithPath: dir.path(target)))
                    let label = "\(target) trial \(trial) flips \(flipped.joined(separator: ","))"

                    let full = trial % 2 == 1
                    let audit = try dir.accord(["audit", "--checkpoint", "early.cp", "--checkpoint", "outside.cp"] + (full ? ["--full"] : []))
                    let verdict: Verdict
                    switch audit.termination {
                    case .exited(0): verdict = .verified
                    case .exited(1) where audit.out.hasPrefix("TAMPERED"): verdict = .tampered
                    case .exited(2): verdict = .corrupt
                    case .exited(3): verdict = .unverifiable
                    case .exited(66): verdict = .notALedger
                    case .exited(let code) where audit.err.hasPrefix("Error: "):
                        verdict = .refused
                        if code == 0 { problems.add("\(label): exit 0 with an error") }
                    default:
                        problems.add("\(label): audit ended with \(audit.termination): \(audit.out.prefix(200)) \(audit.err.prefix(300))")
                        continue
                    }
                    if audit.err.contains("Fatal error") { problems.add("\(label): audit trapped: \(audit.err.prefix(300))") }
                    tally[verdict.rawValue + (full ? " (--full)" : ""), default: 0] += 1

                    if verdict == .verified {
                        // "verified" must mean nothing that matters changed.
                        let export = try dir.accord(["journal", "export"])
                        let report = try dir.accord(["report", "--at", "2025-06-10", "--format", "json"])
                        let tables = try? content(LedgerProbe(dir.path("accord.sqlite")))
                        var changed: [String] = []
                        if export.out != pristine.export { changed.append("journal export") }
                        if report.out != pristine.report { changed.append("report") }
                        if let tables {
                            for name in Set(tables.keys).union(pristine.tables.keys).sorted() where tables[name] != pristine.tables[name] {
                                changed.append("table \(name)")
                            }
                        } else {
                            changed.append("tables unreadable")
                        }
                        if !changed.isEmpty {
                            problems.add("\(label): audit\(full ? " --full" : "") said verified, but changed: \(changed.joined(separator: ", "))")
                        }
                    }
                    // Reading and writing the damaged file must fail cleanly, never crash.
                    for arguments in [["report", "--at", "2025-06-10"], ["history", "UA-release"],
                                      ["log", "UA-release", "--quantity", "1", "--observed", "2025-05-27", "--source", "R5", "--id", "after"]] {
                        let finished = try dir.accord(arguments)
                        if case .signaled(let signal) = finished.termination {
                            problems.add("\(label): accord \(arguments[0]) crashed with signal \(signal): \(finished.err.prefix(300))")
                        } else if finished.err.contains("Fatal error") {
                            problems.add("\(label): accord \(arguments[0]) trapped: \(finished.err.prefix(300))")
                        }
                    }
                }
                return tally
            }
            return tallies.reduce(into: [:]) { total, tally in total.merge(tally, uniquingKeysWith: +) }
        }

        @Test("bit flips in the ledger file are reported, never verified over changed content, never a crash")
        func flipsInTheFile() async throws {
            let count = Faults.size(ci: 60, long: 1_000)
            let dir = try TemporaryDirectory()
            try Self.build(dir, extra: 12)
            #expect(!FileManager.default.fileExists(atPath: dir.path("accord.sqlite-wal")))
            let pristine = try Self.snapshot(dir, names: ["accord.sqlite", "early.cp", "outside.cp", "monitor.key"])
            let problems = Problems()
            let started = monotonicSeconds()
            let tally = try await Self.trials(pristine, count: count, target: "accord.sqlite", seed: Self.seed, problems: problems)
            Faults.report("R5", "\(count) trials flipping bits in the \(pristine.files["accord.sqlite"]!.count)-byte file in "
                          + "\(String(format: "%.1f", monotonicSeconds() - started)) s, seed \(Self.seed): \(tally.sorted { $0.key < $1.key })")
            let found = problems.all
            #expect(found.isEmpty, "seed \(Self.seed):\n\(found.prefix(30).joined(separator: "\n"))")
        }

        @Test("bit flips in the write-ahead log are reported, never verified over changed content, never a crash")
        func flipsInTheWAL() async throws {
            let count = Faults.size(ci: 40, long: 600)
            let dir = try TemporaryDirectory()
            try dir.accordOK(["demo", "--format", "json"])
            // A connection held open keeps the last writer from checkpointing the
            // log into the file on close, so the copies below carry a WAL.
            let holder = try Database(path: dir.path("accord.sqlite"), mode: .readOnly)
            _ = try holder.scalarInt("SELECT count(*) FROM journal")
            try dir.accordOK(["key", "generate", "--out", "monitor.key"])
            try dir.accordOK(["key", "register", "monitor", "--public", "monitor.key.pub"])
            try dir.accordOK(["checkpoint", "--key", "monitor.key", "--out", "early.cp"])
            for index in 0..<12 {
                try dir.accordOK(["log", "UA-release", "--quantity", "1", "--observed", "2025-05-26", "--source", "R5", "--id", "r5-\(index)",
                                  "--sign-with", "monitor.key"])
            }
            try dir.accordOK(["checkpoint", "--key", "monitor.key", "--out", "outside.cp"])
            let wal = readAll(dir.path("accord.sqlite-wal"))
            try #require(wal.count > 32, "no write-ahead log to damage")
            let names = ["accord.sqlite", "accord.sqlite-wal", "early.cp", "outside.cp", "monitor.key"]
            var files: [String: [UInt8]] = [:]
            for name in names { files[name] = readAll(dir.path(name)) }
            // The pristine content, read from an undamaged copy of the file set.
            let copy = try TemporaryDirectory()
            for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: copy.path(name))) }
            var pristine = try Self.snapshot(copy, names: [])
            pristine.files = files
            _ = holder

            let problems = Problems()
            let started = monotonicSeconds()
            let tally = try await Self.trials(pristine, count: count, target: "accord.sqlite-wal", seed: Self.seed &+ 1_000, problems: problems)
            Faults.report("R5", "\(count) trials flipping bits in the \(wal.count)-byte WAL in "
                          + "\(String(format: "%.1f", monotonicSeconds() - started)) s: \(tally.sorted { $0.key < $1.key })")
            let found = problems.all
            #expect(found.isEmpty, "seed \(Self.seed):\n\(found.prefix(30).joined(separator: "\n"))")
        }
    }
}
