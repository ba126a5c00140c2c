import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small tmpfs mounted for one test, so the disk really fills up.
///
/// Needs root (or CAP_SYS_ADMIN); ``isAvailable`` is false elsewhere and the
/// suite is skipped.
final class SmallDisk: @unchecked Sendable {
    let directory: TemporaryDirectory
    var path: String { directory.url.path }

    /// Whether this machine lets the tests mount a tmpfs.
    static let isAvailable: Bool = {
        guard let probe = try? SmallDisk(kilobytes: 64) else { return false }
        _ = probe
        return true
    }()

    init(kilobytes: Int) throws {
        directory = try TemporaryDirectory()
        // Small pages only: with transparent huge pages a 4 MiB tmpfs holds two
        // 2 MiB pages, and "full" would mean something else. Kernels without
        // huge page support still accept `huge=never`; if one does not, mount
        // without it.
        var result = mount("tmpfs", directory.url.path, "tmpfs", 0, "size=\(kilobytes)k,mode=0700,huge=never")
        if result != 0 { result = mount("tmpfs", directory.url.path, "tmpfs", 0, "size=\(kilobytes)k,mode=0700") }
        guard result == 0 else { throw SubprocessError(message: "mount tmpfs: \(String(cString: strerror(errno)))") }
    }

    /// Copies a file onto the disk; a failure says how full the disk was and what was on it.
    func place(_ source: String, as name: String) throws {
        do {
            try FileManager.default.copyItem(atPath: source, toPath: path + "/" + name)
        } catch {
            let listing = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let sizes = listing.map { "\($0) \(((try? FileManager.default.attributesOfItem(atPath: path + "/" + $0))?[.size] as? Int) ?? -1)" }
            let size = ((try? FileManager.default.attributesOfItem(atPath: source))?[.size] as? Int) ?? -1
            throw SubprocessError(message: "copying \(size) bytes onto the small disk (\(available()) bytes free, holding \(sizes)): \(error)")
        }
    }

    deinit {
        umount2(path, Int32(MNT_DETACH))
    }

    /// Bytes free for an unprivileged writer.
    func available() -> Int {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return 0 }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    /// Fills the disk with a ballast file until only about `free` bytes are left.
    func fill(leaving free: Int) throws {
        let size = max(0, available() - free)
        let descriptor = open(path + "/ballast", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw SubprocessError(message: "ballast: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0xBA, count: 64 * 1024)
        var written = 0
        while written < size {
            let count = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, min($0.count, size - written)) }
            if count <= 0 { break }
            written += count
        }
    }

    func freeBallast() {
        unlink(path + "/ballast")
    }
}

extension FaultSuites {
    /// R3: the disk fills up in the middle of an append (or a checkpoint, or
    /// creating a ledger).
    ///
    /// Each round copies a ledger onto a 4 MiB tmpfs, fills the disk to leave a
    /// random (seeded) amount free, and appends entries of random size until one
    /// fails. The failure must be one `Error:` line naming the full disk, exit 1;
    /// afterwards every acknowledged entry is there and nothing of the failed
    /// one; once the ballast is removed the audit is clean and appends succeed.
    @Suite("R3 full disk", .enabled(if: SmallDisk.isAvailable, "needs permission to mount a tmpfs"))
    struct FullDiskTests {
        static let seed = Faults.seed(0xF011)

        func isDiskFullError(_ finished: Finished) -> Bool {
            finished.termination == .exited(1) && finished.err.hasPrefix("Error: the disk holding ")
                && finished.err.contains(" is full ") && finished.err.split(separator: "\n").count == 1
        }

        @Test("an append that fills the disk fails cleanly, keeps what was acknowledged, and appends resume once space is freed")
        func appendsOnAFullDisk() throws {
            let rounds = Faults.size(ci: 10, long: 100)
            var random = SeededGenerator(seed: Self.seed)
            let source = try TemporaryDirectory()
            try source.accordOK(["demo", "--format", "json"])
            try source.accordOK(["key", "generate", "--out", "monitor.key"])
            try source.accordOK(["key", "register", "monitor", "--public", "monitor.key.pub"])
            var problems: [String] = []
            var failures: [String: Int] = [:]
            var appended = 0
            let started = monotonicSeconds()

            for round in 0..<rounds {
                // A new disk each round: nothing of the last round's can take its room.
                let disk = try SmallDisk(kilobytes: 4 * 1024)
                for name in ["accord.sqlite", "monitor.key"] {
                    try disk.place(source.path(name), as: name)
                }
                let ledger = LedgerProbe(disk.path + "/accord.sqlite")
                let before = try ledger.journal()
                try disk.fill(leaving: Int.random(in: 0...300_000, using: &random))
                var acknowledged: [String: Int64] = [:]
                var failed: (id: String, finished: Finished)?
                for index in 0..<80 {
                    let id = "r3-\(round)-\(index)"
                    let note = String(repeating: "n", count: Int.random(in: 1...20_000, using: &random))
                    let arguments: [String]
                    switch Int.random(in: 0..<6, using: &random) {
                    case 0: arguments = ["checkpoint", "--key", "monitor.key", "--out", "cp-\(index).txt"]
                    case 1: arguments = ["breach", "RU-no-strikes", "--party", "RU", "--observed", "2025-06-02", "--severity", "minor",
                                         "--source", "R3", "--id", id, "--description", note]
                    default: arguments = ["log", "UA-release", "--quantity", "1", "--observed", "2025-05-26", "--source", "R3",
                                          "--id", id, "--note", note]
                    }
                    let finished = try Subprocess.run(Faults.accord, arguments.map { Array($0.utf8) }, directory: disk.path,
                                                      environment: Faults.environment)
                    if finished.termination == .exited(0) {
                        if arguments[0] != "checkpoint" {
                            appended += 1
                            acknowledged[id] = acknowledgedSeq(finished.err)
                        }
                        continue
                    }
                    failed = (arguments[0] == "checkpoint" ? "checkpoint" : id, finished)
                    failures[arguments[0], default: 0] += 1
                    break
                }
                guard let failed else {
                    problems.append("round \(round): the disk never filled")
                    continue
                }
                if !isDiskFullError(failed.finished) {
                    problems.append("round \(round) \(failed.id): \(failed.finished.termination), not a one-line disk-full error: \(failed.finished.err.prefix(300))")
                }
                // While the disk is still full, a read either works or says the disk is full.
                let auditFull = try Subprocess.run(Faults.accord, [Array("audit".utf8)], directory: disk.path, environment: Faults.environment)
                if !(auditFull.termination == .exited(0) && auditFull.out.hasPrefix("verified:")) && !isDiskFullError(auditFull) {
                    problems.append("round \(round): audit on the full disk: \(auditFull.termination) \(auditFull.out.prefix(200)) \(auditFull.err.prefix(200))")
                }

                disk.freeBallast()
                let after = try ledger.journal()
                let ids = try ledger.externalIDs()
                if Array(after.prefix(before.count)) != before || !after.isContiguous {
                    problems.append("round \(round): the journal's earlier entries changed")
                }
                if after.count != before.count + acknowledged.count {
                    problems.append("round \(round): \(after.count) entries, expected \(before.count) + \(acknowledged.count) acknowledged")
                }
                for (id, seq) in acknowledged where ids[id] != seq {
                    problems.append("round \(round): acknowledged \(id) at \(seq) but the ledger has \(ids[id].map(String.init) ?? "nothing")")
                }
                if ids[failed.id] != nil { problems.append("round \(round): the failed append \(failed.id) is (partly) there") }
                let audit = try Subprocess.run(Faults.accord, [Array("audit".utf8), Array("--full".utf8)], directory: disk.path,
                                               environment: Faults.environment)
                if !(audit.termination == .exited(0) && audit.out.hasPrefix("verified:")) {
                    problems.append("round \(round): audit after freeing space: \(audit.out.prefix(300)) \(audit.err.prefix(300))")
                }
                let again = try Subprocess.run(Faults.accord, ["log", "UA-release", "--quantity", "1", "--observed", "2025-05-26",
                                                               "--source", "R3", "--id", "r3-\(round)-after"].map { Array($0.utf8) },
                                               directory: disk.path, environment: Faults.environment)
                if again.termination != .exited(0) { problems.append("round \(round): appending after freeing space: \(again.err)") }
            }
            #expect(problems.isEmpty, "seed \(Self.seed):\n\(problems.prefix(30).joined(separator: "\n"))")
            Faults.report("R3", "\(rounds) rounds filled the disk (failed: \(failures.sorted { $0.key < $1.key })) after \(appended) "
                          + "acknowledged appends, in \(String(format: "%.1f", monotonicSeconds() - started)) s, seed \(Self.seed)")
        }

        @Test("creating a ledger on a full disk fails cleanly and `accord init` completes it once space is freed")
        func initOnAFullDisk() throws {
            var random = SeededGenerator(seed: Self.seed)
            var outcomes: [String] = []
            for round in 0..<Faults.size(ci: 4, long: 40) {
                let disk = try SmallDisk(kilobytes: 2048)
                try disk.fill(leaving: Int.random(in: 0...900_000, using: &random))
                let created = try Subprocess.run(Faults.accord, [Array("init".utf8)], directory: disk.path, environment: Faults.environment)
                outcomes.append(created.termination == .exited(0) ? "created" : "full")
                if created.termination != .exited(0) {
                    #expect(isDiskFullError(created), "round \(round): \(created.termination) \(created.err)")
                }
                disk.freeBallast()
                let again = try Subprocess.run(Faults.accord, [Array("init".utf8)], directory: disk.path, environment: Faults.environment)
                #expect(again.termination == .exited(0), "round \(round): init after freeing space: \(again.err)")
                let audit = try Subprocess.run(Faults.accord, [Array("audit".utf8)], directory: disk.path, environment: Faults.environment)
                #expect(audit.termination == .exited(0) && audit.out.hasPrefix("verified: 1 entries"), "round \(round): \(audit.out) \(audit.err)")
            }
            Faults.report("R3", "init on a full disk: \(outcomes)")
        }
    
        @Test("an import that fills the disk writes nothing, and imports whole once space is freed")
        func importOnAFullDisk() throws {
            let rounds = Faults.size(ci: 4, long: 30)
            var random = SeededGenerator(seed: Self.seed &+ 5)
            let source = try TemporaryDirectory()
            try source.accordOK(["demo", "--format", "json"])
            var outcomes: [String] = []
            for round in 0..<rounds {
                let disk = try SmallDisk(kilobytes: 4 * 1024)
                try disk.place(source.path("accord.sqlite"), as: "accord.sqlite")
                let ledger = LedgerProbe(disk.path + "/accord.sqlite")
                let before = try ledger.journal()
                // The rows live off the small disk; they need more room than is left.
                let rows = Int.random(in: 2_000...8_000, using: &random)
                let file = source.path("import-\(round).csv")
                try Data(ImportFiles.csv(prefix: "full-\(round)", count: rows).utf8).write(to: URL(fileURLWithPath: file))
                try disk.fill(leaving: Int.random(in: 50_000...600_000, using: &random))
                let failed = try Subprocess.run(Faults.accord, ["import", file, "--quiet"].map { Array($0.utf8) }, directory: disk.path,
                                                environment: Faults.environment)
                outcomes.append(failed.termination == .exited(0) ? "imported" : "full")
                if failed.termination != .exited(0) {
                    #expect(isDiskFullError(failed), "round \(round): \(failed.termination) \(failed.err)")
                }
                disk.freeBallast()
                let present = ImportFiles.present(prefix: "full-\(round)", in: try ledger.externalIDs())
                #expect(present == 0 || present == ImportFiles.withExternalID(rows) && failed.termination == .exited(0),
                        "round \(round): \(present) of \(rows) rows after \(failed.termination)")
                #expect(Array(try ledger.journal().prefix(before.count)) == before)
                let audit = try Subprocess.run(Faults.accord, [Array("audit".utf8)], directory: disk.path, environment: Faults.environment)
                #expect(audit.termination == .exited(0), "round \(round): \(audit.out) \(audit.err)")
                // With the space back, the same file imports whole (or is already all there).
                try Subprocess.run(Faults.accord, ["import", file, "--quiet"].map { Array($0.utf8) }, directory: disk.path,
                                   environment: Faults.environment).requireSuccess()
                #expect(ImportFiles.present(prefix: "full-\(round)", in: try ledger.externalIDs()) == ImportFiles.withExternalID(rows))
            }
            Faults.report("R3", "imports on a full disk: \(outcomes)")
        }
}
}
