import Foundation
import Testing

/// The engine is the modules below the front ends and the presentation:
/// AccordLedger and what it stands on (AccordStorage, AccordSchema,
/// AccordTrust, AccordCSV). Their sources, doc comments included, speak in
/// the engine's terms: no command line, no flag, no exit code, no write to a
/// terminal, no environment, no HTML. And each module imports only what
/// sits below it (docs/ARCHITECTURE.md).
@Suite("Engine boundary")
struct EngineBoundaryTests {
    static let engine = ["AccordLedger", "AccordStorage", "AccordSchema", "AccordTrust", "AccordCSV"]

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    /// Every line of every Swift file of `module`, with its place.
    static func lines(of module: String) throws -> [(place: String, text: String)] {
        let folder = sources.appendingPathComponent(module)
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }.sorted()
        var lines: [(String, String)] = []
        for file in files {
            let text = try String(contentsOfFile: folder.appendingPathComponent(file).path, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                lines.append(("\(module)/\(file):\(number + 1)", String(line)))
            }
        }
        return lines
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    /// A command line (`accord audit`) or a flag (`--at`), in code or in a
    /// comment. Hash-domain tags ("accord state leaf v1") name no command;
    /// "as accord writes it" is the product, in a message kept byte for byte.
    static func namesCommandLine(_ line: String) -> Bool {
        var text = line.replacingOccurrences(of: #"accord [a-z ]+ v[0-9]+"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "as accord writes it", with: "")
        return matches(text, #"accord [a-z]"#) || matches(text, #"(^|[\s"'`(\[])--[a-z]"#)
    }

    /// What only a front end does, in code: exit codes, writes to a terminal
    /// (standard output or error), the environment, HTML.
    static func doesFrontEndWork(_ line: String) -> Bool {
        let code = line.trimmingCharacters(in: .whitespaces)
        guard !code.hasPrefix("//") else { return false }
        let patterns = [
            #"exitCode|ExitCode|\bexit\("#, #"\bEX_[A-Z]"#,
            #"\bprint\("#, #"\bfputs\("#, #"\bfwrite\("#, #"STDOUT_FILENO|STDERR_FILENO|\bstdout\b|\bstderr\b"#,
            #"FileHandle\.standard"#, #"\bwrite\((1|2),"#, #"fileDescriptor: (1|2)\b"#,
            #"\bgetenv\(|\bsetenv\(|\benviron\b|ProcessInfo"#,
            #"text/html|<(html|body|div|span|svg|table)[ >]"#,
        ]
        return patterns.contains { matches(code, $0) }
    }

    /// Opening a file by path, in code: POSIX `open` with flags, `fopen`, a
    /// `ByteSource` over a path, Foundation's file reading. The engine opens
    /// the ledger (through SQLite) and its scratch copies (`mkstemp`) and
    /// nothing else: an import's input, mapping and rejects, key and
    /// checkpoint files are opened by the front end (AccordFiles).
    /// AccordCSV, which defines `ByteSource(path:)` for front ends, and
    /// AccordStorage, which opens the ledger, are not held to it.
    static func opensHostPath(_ line: String) -> Bool {
        let code = line.trimmingCharacters(in: .whitespaces)
        guard !code.hasPrefix("//") else { return false }
        let patterns = [
            #"(^|[^.\w])open\([^)]*\bO_[A-Z]"#, #"\bfopen\("#, #"ByteSource\(path:"#,
            #"FileManager|contentsOfFile|contentsOf: URL|FileHandle\("#,
        ]
        return patterns.contains { matches(code, $0) }
    }

    @Test("the rules catch what they are for")
    func rulesCatch() {
        #expect(Self.opensHostPath("        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)"))
        #expect(Self.opensHostPath("            source = try ByteSource(path: path)"))
        #expect(Self.opensHostPath(#"    let file = fopen(path, "r")"#))
        #expect(!Self.opensHostPath("        let writer = try Ledger.open(at: path, lockWait: lockWait)"))
        #expect(!Self.opensHostPath("    /// reads the file: open(path, O_RDONLY)"))
        #expect(Self.namesCommandLine("/// run `accord audit` first"))
        #expect(Self.namesCommandLine(#"throw LedgerError(.io, "give --db")"#))
        #expect(Self.namesCommandLine("/// (with `--require-signed`)"))
        #expect(!Self.namesCommandLine(#"static let leafTag: [UInt8] = Array("accord state leaf v1".utf8) + [0]"#))
        #expect(!Self.namesCommandLine("let x = a--b"))
        #expect(Self.doesFrontEndWork("    exit(65)"))
        #expect(Self.doesFrontEndWork("    print(message)"))
        #expect(Self.doesFrontEndWork(#"    guard let value = getenv("ACCORD_NOW") else { return }"#))
        #expect(Self.doesFrontEndWork("    let output = TextOutput(fileDescriptor: 1)"))
        #expect(Self.doesFrontEndWork(#"    out += "<div class=\"x\">""#))
        #expect(!Self.doesFrontEndWork("    /// print(record.line) in an example"))
        #expect(!Self.doesFrontEndWork("    let fingerprint(of: objects)"))
    }

    @Test("the engine's sources name no command, flag or exit code; write to no terminal; read no environment; know no HTML",
          arguments: EngineBoundaryTests.engine)
    func engineSpeaksItsOwnTerms(module: String) throws {
        let lines = try Self.lines(of: module)
        #expect(lines.count > 100)
        let offenders = lines.filter { Self.namesCommandLine($0.text) || Self.doesFrontEndWork($0.text) }
        #expect(offenders.isEmpty, "\(offenders.map { "\($0.place): \($0.text)" }.joined(separator: "\n"))")
    }

    @Test("the engine opens no file by path but the ledger's own", arguments: ["AccordLedger", "AccordSchema", "AccordTrust"])
    func engineOpensNoHostPath(module: String) throws {
        let offenders = try Self.lines(of: module).filter { Self.opensHostPath($0.text) }
        #expect(offenders.isEmpty, "\(offenders.map { "\($0.place): \($0.text)" }.joined(separator: "\n"))")
    }

    /// The modules each module may import: those below it, and the system.
    static let allowedImports: [String: Set<String>] = {
        let system: Set<String> = ["Glibc", "Darwin", "Musl", "Dispatch", "Synchronization", "Swift", "FoundationEssentials", "Foundation"]
        let engine: Set<String> = ["AccordStorage", "AccordSchema", "AccordTrust", "AccordCSV", "Crypto"]
        return [
            "AccordStorage": system.union(["CSQLite"]),
            "AccordCSV": system,
            "AccordTrust": system.union(["Crypto"]),
            "AccordSchema": system.union(["AccordStorage", "Crypto"]),
            "AccordLedger": system.subtracting(["Foundation"]).union(engine),
            "AccordFiles": system.subtracting(["Foundation"]).union(["AccordLedger", "AccordTrust", "AccordCSV"]),
            "AccordPresentation": system.subtracting(["Foundation"]).union(["AccordLedger", "AccordFiles", "AccordCSV"]),
            // The command line: neither AccordStorage nor CSQLite, nor the server's stack.
            "accord": system.subtracting(["Foundation"]).union(["AccordLedger", "AccordFiles", "AccordPresentation", "AccordTrust", "ArgumentParser"]),
        ]
    }()

    @Test("each module imports only what sits below it", arguments: EngineBoundaryTests.allowedImports.keys.sorted())
    func importsFromBelow(module: String) throws {
        let allowed = try #require(Self.allowedImports[module])
        var offenders: [String] = []
        for (place, text) in try Self.lines(of: module) {
            let code = text.trimmingCharacters(in: .whitespaces)
            guard let match = code.range(of: #"^(@[A-Za-z_]+(\([^)]*\))? )*import [A-Za-z]+"#, options: .regularExpression) else { continue }
            let name = String(code[match].split(separator: " ").last ?? "")
            if !allowed.contains(name) { offenders.append("\(place): \(code)") }
        }
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }
}
