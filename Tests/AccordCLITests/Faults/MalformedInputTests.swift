import Foundation
import Testing

extension FaultSuites {
    /// R4: hostile input to every command. Each case is a valid command broken in
    /// one or two ways; every one must end in a normal exit (no signal, no Swift
    /// trap) with one `Error:` line, exit 64 or 65 (66 when --db is the garbage),
    /// nothing on stdout, and the journal byte-identical.
    @Suite("R4 malformed input")
    struct MalformedInputTests {
        static let seed = Faults.seed(0xA11CE)

        /// The fixture: the demo ledger with a registered key, a dispute, a
        /// second breach (an open trigger) and a stored checkpoint, and the
        /// files hostile values point at.
        static func makeFixture(in dir: TemporaryDirectory) throws {
            try dir.accordOK(["demo", "--format", "json"])
            try dir.accordOK(["key", "generate", "--out", "monitor.key"])
            try dir.accordOK(["key", "register", "monitor", "--public", "monitor.key.pub"])
            try dir.accordOK(["dispute", "ru-mod-claim-2025-06-03", "--by", "UA", "--reason", "denied"])
            // A second breach after the guarantor answered the first: a new trigger the invocation template answers.
            try dir.accordOK(["breach", "RU-no-strikes", "--observed", "2025-06-06", "--severity", "major", "--source", "UN HRMMU"])
            try dir.accordOK(["checkpoint", "--key", "monitor.key", "--out", "valid.cp"])
            try dir.accordOK(["key", "generate", "--out", "other.key"])
            try dir.accordOK(["key", "generate", "--out", "spare.key"])
            var random = SeededGenerator(seed: seed)
            try HostileFixture.makeFiles(in: dir.url.path, random: &random)
        }

        /// Copies the fixture into a fresh directory for one worker.
        static func copyFixture(_ fixture: TemporaryDirectory) throws -> TemporaryDirectory {
            let copy = try TemporaryDirectory()
            for name in try FileManager.default.contentsOfDirectory(atPath: fixture.url.path) {
                try FileManager.default.copyItem(atPath: fixture.path(name), toPath: copy.path(name))
            }
            return copy
        }

        @Test("every template is valid on the fixture, so a refusal is the mutation's doing")
        func templatesAreValid() throws {
            let fixture = try TemporaryDirectory()
            try Self.makeFixture(in: fixture)
            for template in HostileFixture.templates(0) where template.baselineValid {
                let dir = try Self.copyFixture(fixture)
                let finished = try Subprocess.run(Faults.accord, template.tokens, directory: dir.url.path, environment: Faults.environment)
                #expect(finished.termination == .exited(0),
                        "accord \(template.command.joined(separator: " ")): \(finished.termination) \(finished.err)")
            }
        }

        @Test("hostile command lines are refused cleanly and change nothing")
        func hostileCommandLines() async throws {
            let total = Faults.size(ci: 1_000, long: 12_000)
            let threads = 3
            let fixture = try TemporaryDirectory()
            try Self.makeFixture(in: fixture)
            let pristine = try LedgerProbe(fixture.path("accord.sqlite")).journal()
            let pristineCheckpoints = try LedgerProbe(fixture.path("accord.sqlite")).checkpointSizes()

            var generator = HostileGenerator(seed: Self.seed)
            let cases = (0..<total).map { _ in generator.next() }
            let problems = Problems()
            let started = monotonicSeconds()
            let counts = try await onThreads(threads) { worker -> [Int32: Int] in
                var dir = try Self.copyFixture(fixture)
                var codes: [Int32: Int] = [:]
                for index in stride(from: worker, to: cases.count, by: threads) {
                    let hostile = cases[index]
                    let finished = try Subprocess.run(Faults.accord, hostile.arguments, directory: dir.url.path,
                                                      environment: Faults.environment.merging(hostile.environment) { $1 })
                    if let code = finished.status { codes[code, default: 0] += 1 }
                    var problem = cleanFailureProblem(finished, allowed: hostile.allowed)
                    if let code = finished.status, hostile.verdicts.contains(code) {
                        let verdict = finished.out.lowercased()
                        problem = verdict.contains("corrupt") && finished.stderr.isEmpty ? nil
                            : "audit exit \(code) without a corrupt verdict: \(finished.out.prefix(200)) \(finished.err.prefix(200))"
                    } else if problem == nil, !finished.stdout.isEmpty {
                        problem = "printed \(finished.stdout.count) bytes on stdout while failing"
                    }
                    // A refused --db is left as it was (the fixture's files never change).
                if let garbage = hostile.untouched, garbage.hasPrefix("/") == false,
                   readAll(dir.path(garbage)) != readAll(fixture.path(garbage)) {
                    problem = (problem.map { $0 + "; " } ?? "") + "the refused --db \(garbage) was changed"
                    try? FileManager.default.removeItem(atPath: dir.path(garbage))
                    try? FileManager.default.copyItem(atPath: fixture.path(garbage), toPath: dir.path(garbage))
                }
                let ledger = LedgerProbe(dir.path("accord.sqlite"))
                    let journal = try? ledger.journal()
                    if journal != pristine || (try? ledger.checkpointSizes()) != pristineCheckpoints {
                        problem = (problem.map { $0 + "; " } ?? "")
                            + "the ledger changed (\(pristine.count) → \(journal?.count ?? -1) entries)"
                        dir = try Self.copyFixture(fixture)
                    }
                    if let problem { problems.add("case \(index) \(hostile.display): \(problem)") }
                }
                return codes
            }
            let seconds = monotonicSeconds() - started
            let byCode = counts.reduce(into: [Int32: Int]()) { total, codes in total.merge(codes, uniquingKeysWith: +) }
            Faults.report("R4", "\(cases.count) cases on \(threads) threads in \(String(format: "%.1f", seconds)) s, seed \(Self.seed); exits \(byCode.sorted { $0.key < $1.key })")
            let found = problems.all
            #expect(found.isEmpty, "\(found.count) of \(cases.count) cases (seed \(Self.seed)) were not refused cleanly:\n\(found.prefix(40).joined(separator: "\n"))")
        }
    }
}

extension FaultSuites.MalformedInputTests {
    @Test("the options accord lets repeat are exactly the parser's repeating options")
    func repeatableOptions() throws {
        let dir = try TemporaryDirectory()
        let dump = try dir.accordOK(["--experimental-dump-help"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout)) as? [String: Any])
        var repeating: Set<String> = []
        func walk(_ command: [String: Any]) {
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["isRepeating"] as? Bool == true {
                for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
                    repeating.insert("--" + (name["name"] as? String ?? ""))
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { walk(sub) }
        }
        walk(try #require(json["command"] as? [String: Any]))
        // Mirrors ArgumentChecks.repeatable in Sources/accord/Support/ArgumentChecks.swift.
        #expect(repeating == ["--depends-on", "--covers", "--checkpoint", "--trusted-key", "--map", "--set", "--where", "--for"])
    }

    @Test("a repeatable option may repeat; any other option or flag may not, nor end in '='")
    func repeats() throws {
        let dir = try TemporaryDirectory()
        try dir.accordOK(["demo", "--format", "json"])
        let base = try LedgerProbe(dir.path("accord.sqlite")).count()
        let twice = try dir.accord(["log", "UA-release", "--quantity", "5", "--quantity", "6", "--observed", "2025-06-01", "--source", "X"])
        #expect(twice.status == 64 && twice.err == "Error: --quantity is given more than once; give it once\n", "\(twice.err)")
        let flag = try dir.accord(["log", "texts-final", "--done", "--done", "--observed", "2025-06-01", "--source", "X"])
        #expect(flag.status == 64)
        let empty = try dir.accord(["log", "texts-final", "--done=", "--observed", "2025-06-01", "--source", "X"])
        #expect(empty.status == 64 && empty.err.contains("nothing after '='"), "\(empty.err)")
        try dir.accordOK(["commitment", "add", "c2", "--agreement", "istanbul-2025", "--party", "UA", "--action", "--due", "2025-07-01",
                          "--depends-on", "texts-final", "--depends-on", "UA-release"])
        #expect(try LedgerProbe(dir.path("accord.sqlite")).count() == base + 1)
    }

    @Test("arguments and environment values that are not UTF-8 are refused, not repaired")
    func notUTF8() throws {
        let dir = try TemporaryDirectory()
        try dir.accordOK(["init"])
        let argument = try Subprocess.run(Faults.accord, [Array("party".utf8), Array("add".utf8), Array("P".utf8),
                                                          Array("--name".utf8), [0x4b, 0xff, 0x76]],
                                          directory: dir.url.path, environment: Faults.environment)
        #expect(argument.status == 64 && argument.err.hasPrefix("Error: argument 5 is not valid UTF-8"), "\(argument.err)")
        let db = try Subprocess.run("/bin/sh", [Array("-c".utf8), Array("ACCORD_DB=$(printf 'x\\377.sqlite') exec \"$0\" report".utf8),
                                                Array(Faults.accord.utf8)],
                                    directory: dir.url.path, environment: Faults.environment)
        #expect(db.status == 64 && db.err.contains("ACCORD_DB is not valid UTF-8"), "\(db.err)")
        #expect(try LedgerProbe(dir.path("accord.sqlite")).count() == 1)
    }

    @Test("usage errors are one line that points at the command's help")
    func usageOneLine() throws {
        let dir = try TemporaryDirectory()
        let outcome = try dir.accord(["report", "--format", "x\ny"])
        #expect(outcome.status == 64)
        #expect(outcome.err.hasPrefix("Error: The value 'x y' is invalid for '--format <format>'"))
        #expect(outcome.err.hasSuffix("(see 'accord report --help')\n"), "\(outcome.err)")
        #expect(outcome.err.split(separator: "\n").count == 1)
    }

    @Test("hostile but valid values are stored exactly: SQL in text, any Unicode, NUL bytes in an evidence file")
    func hostileButValid() throws {
        let dir = try TemporaryDirectory()
        try dir.accordOK(["demo", "--format", "json"])
        var random = SeededGenerator(seed: Self.seed)
        let evidence = [UInt8](repeating: 0, count: 7) + (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        try Data(evidence).write(to: URL(fileURLWithPath: dir.path("evidence.bin")))
        let source = "Robert'); DROP TABLE journal;-- \"%s\" ${HOME} `id`"
        let note = "שלום 👩🏽‍⚕️ e\u{301} Ａ\u{200B}\u{FEFF} <script>alert(1)</script>\nsecond line\twith a tab"
        let before = try LedgerProbe(dir.path("accord.sqlite")).journal()
        try dir.accordOK(["log", "UA-release", "--quantity", "1", "--observed", "2025-05-26", "--source", source, "--id", "hostile-1",
                          "--note", note, "--evidence", "evidence.bin", "--place", "O'Brien; --"])
        let probe = LedgerProbe(dir.path("accord.sqlite"))
        let after = try probe.journal()
        #expect(after.count == before.count + 1 && Array(after.prefix(before.count)) == before)
        #expect(try probe.text("SELECT source FROM verifications WHERE external_id = 'hostile-1'") == source)
        // Stored in Unicode Normalization Form C: e + U+0301 becomes é.
        let stored = try probe.text("SELECT note FROM verifications WHERE external_id = 'hostile-1'")
        #expect(stored.map { Array($0.utf8) } == Array(note.replacingOccurrences(of: "e\u{301}", with: "\u{E9}", options: .literal).utf8))
        #expect(try probe.text("SELECT place FROM verifications WHERE external_id = 'hostile-1'") == "O'Brien; --")
        let sum = try Subprocess.run("/usr/bin/sha256sum", [Array("evidence.bin".utf8)], directory: dir.url.path)
        #expect(try probe.text("SELECT lower(hex(evidence_sha256)) FROM verifications WHERE external_id = 'hostile-1'")
                == String(sum.out.prefix(64)))
        let audit = try dir.accord(["audit"])
        #expect(audit.termination == .exited(0), "\(audit.out)")
    }

    @Test("hostile import files are refused whole: every bad row named on a line of its own, nothing imported")
    func hostileImportFiles() async throws {
        let total = Faults.size(ci: 300, long: 3_000)
        let threads = 3
        let fixture = try TemporaryDirectory()
        try Self.makeFixture(in: fixture)
        let pristine = try LedgerProbe(fixture.path("accord.sqlite")).journal()
        var generator = HostileImportGenerator(seed: Self.seed &+ 17)
        let cases = (0..<total).map { _ in generator.next() }
        let problems = Problems()
        let started = monotonicSeconds()
        let counts = try await onThreads(threads) { worker -> [Int32: Int] in
            var dir = try Self.copyFixture(fixture)
            var codes: [Int32: Int] = [:]
            for index in stride(from: worker, to: cases.count, by: threads) {
                let hostile = cases[index]
                try Data(hostile.bytes).write(to: URL(fileURLWithPath: dir.path(hostile.name)))
                defer { try? FileManager.default.removeItem(atPath: dir.path(hostile.name)) }
                let arguments = ["import", hostile.name, "--quiet"] + (index % 4 == 3 ? ["--dry-run"] : [])
                let finished = try Subprocess.run(Faults.accord, arguments.map { Array($0.utf8) }, directory: dir.url.path,
                                                  environment: Faults.environment)
                if let code = finished.status { codes[code, default: 0] += 1 }
                var problem: String?
                if case .signaled(let signal) = finished.termination {
                    problem = "crashed with signal \(signal): \(finished.err.prefix(300))"
                } else if finished.err.contains("Fatal error") {
                    problem = "trapped: \(finished.err.prefix(300))"
                } else if ![64, 65].contains(finished.status ?? -1) {
                    problem = "exit \(finished.status ?? -1), expected 64 or 65: \(finished.err.prefix(300))"
                } else {
                    // Each bad row on a line of its own (FILE:LINE: …), then one Error: line
                    // (or, for --dry-run, the dry run's verdict: "Dry run: … N rejected; nothing was written.").
                    let dryRun = arguments.contains("--dry-run")
                    let lines = Array(finished.err.split(separator: "\n", omittingEmptySubsequences: false).dropLast())
                    let verdict = lines.last ?? ""
                    let errors = lines.filter { $0.hasPrefix("Error: ") }
                    let endsWell = verdict.hasPrefix("Error: ") && errors.count == 1
                        || dryRun && verdict.hasPrefix("Dry run: ") && verdict.contains(" rejected; nothing was written") && errors.isEmpty
                    if !endsWell {
                        problem = "stderr does not end in one Error: line: \(finished.err.suffix(400).debugDescription)"
                    } else if let stray = lines.dropLast().first(where: { !$0.hasPrefix(hostile.name + ":") && !$0.hasPrefix("… and ") }) {
                        problem = "a stderr line that is not a row diagnostic: \(stray.prefix(200).debugDescription)"
                    }
                }
                if problem == nil, !finished.stdout.isEmpty { problem = "printed on stdout" }
                let journal = try? LedgerProbe(dir.path("accord.sqlite")).journal()
                if journal != pristine {
                    problem = (problem.map { $0 + "; " } ?? "") + "the ledger changed (\(pristine.count) → \(journal?.count ?? -1) entries)"
                    dir = try Self.copyFixture(fixture)
                }
                if let problem { problems.add("import case \(index) [\(hostile.label)] \(hostile.name): \(problem)") }
            }
            return codes
        }
        let byCode = counts.reduce(into: [Int32: Int]()) { total, codes in total.merge(codes, uniquingKeysWith: +) }
        Faults.report("R4", "\(cases.count) hostile import files on \(threads) threads in \(String(format: "%.1f", monotonicSeconds() - started)) s, "
                      + "seed \(Self.seed &+ 17); exits \(byCode.sorted { $0.key < $1.key })")
        let found = problems.all
        #expect(found.isEmpty, "\(found.count) of \(cases.count) import files (seed \(Self.seed)):\n\(found.prefix(30).joined(separator: "\n"))")
    }

    @Test("an import file's columns may come in any order: the same rows, the same entries")
    func reorderedColumns() throws {
        let fixture = try TemporaryDirectory()
        try fixture.accordOK(["demo", "--format", "json"])
        let text = ImportFiles.csv(prefix: "order", count: 40)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let order = Array(lines[0].indices.reversed())
        lines = lines.map { line in order.map { line[$0] } }
        var journals: [[JournalRow]] = []
        for (name, body) in [("straight.csv", text), ("reversed.csv", lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n")] {
            let dir = try Self.copyFixture(fixture)
            try Data(body.utf8).write(to: URL(fileURLWithPath: dir.path(name)))
            try dir.accordOK(["import", name, "--quiet"])
            journals.append(try LedgerProbe(dir.path("accord.sqlite")).journal())
        }
        #expect(journals[0].count > 40)
        #expect(journals[0] == journals[1])
    }
}
