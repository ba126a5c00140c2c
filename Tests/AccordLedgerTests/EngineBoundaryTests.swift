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
    /// comment. Hash-domain tags ("accord state leaf v1") name no command.
    static func namesCommandLine(_ line: String) -> Bool {
        let text = line.replacingOccurrences(of: #"accord [a-z ]+ v[0-9]+"#, with: "", options: .regularExpression)
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
            // The command line: neither AccordStorage nor CSQLite, nor the server's stack
            // (AccordCSV's JSON reader reads a server's answers).
            "accord": system.subtracting(["Foundation"]).union(["AccordLedger", "AccordFiles", "AccordPresentation", "AccordTrust", "AccordCSV",
                                                                "ArgumentParser"]),
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

/// Every public declaration of the engine and of the modules front ends use
/// (AccordPresentation, AccordFiles) has a one-line `///` summary
/// (docs/ARCHITECTURE.md, "The engine's public API").
///
/// What the scanner checks, line by line (it is not a parser):
/// - a declaration is a line whose code starts (after attributes such as
///   `@inlinable`) with modifiers including `public` or `open` and then `var`,
///   `let`, `func`, `init`, `struct`, `enum`, `class`, `actor`, `protocol`,
///   `case`, `typealias`, `subscript` or `associatedtype`; and, directly in
///   the body of a `public enum`, each `case` line, and directly in the body
///   of a `public protocol`, each requirement (`func`, `var`, `init`,
///   `subscript`, `associatedtype`), which are public without the word;
/// - it is documented when the nearest line above it that is not an
///   attribute line starts with `///`. A line declaring several cases
///   (`case csv, tsv`) is one declaration with one summary.
/// - Brace depth is counted outside string literals and `//` comments;
///   lines inside a multi-line string literal are skipped.
/// - `public extension` is refused outright: its members would be public
///   without the word, where the scanner does not look.
///
/// Exemptions: none. Memberwise-style initialisers and protocol witnesses
/// (`description`, `==`) get their summary like everything else.
@Suite("Public API documentation")
struct PublicDocumentationTests {
    static let modules = EngineBoundaryTests.engine + ["AccordPresentation", "AccordFiles"]

    static let modifier = #"(?:static|final|class|override|mutating|nonmutating|convenience|required|indirect|nonisolated|lazy|dynamic|(?:private|fileprivate|internal|package)\(set\))"#
    static let attributes = #"^(?:@\w+(?:\([^)]*\))?\s+)*"#
    static let declaration = attributes + "(?:\(modifier)\\s+)*(?:public|open)\\s+(?:\(modifier)\\s+)*"
        + #"(?:var|let|func|init|struct|enum|class|actor|protocol|case|typealias|subscript|associatedtype)\b"#
    static let publicBody = attributes + "(?:\(modifier)\\s+)*(?:public|open)\\s+(?:\(modifier)\\s+)*(enum|protocol)\\b"
    static let requirement = attributes + "(?:\(modifier)\\s+)*(?:func|var|init|subscript|associatedtype)\\b"
    static let attributeLine = #"^@\w+(?:\([^)]*\))?$"#

    /// The undocumented public declarations among `lines` (one file's), as "LINE: code".
    static func undocumented(_ lines: [String]) -> [String] {
        var found: [String] = []
        var depth = 0
        var bodies: [(depth: Int, isEnum: Bool)] = []
        var inMultilineString = false
        for (index, line) in lines.enumerated() {
            let code = line.trimmingCharacters(in: .whitespaces)
            if code.components(separatedBy: "\"\"\"").count % 2 == 0 {
                inMultilineString.toggle()
                continue
            }
            if inMultilineString { continue }
            var isDeclaration = EngineBoundaryTests.matches(code, declaration)
            if let body = bodies.last, body.depth == depth {
                if body.isEnum, code.hasPrefix("case ") { isDeclaration = true }
                if !body.isEnum, EngineBoundaryTests.matches(code, requirement) { isDeclaration = true }
            }
            if EngineBoundaryTests.matches(code, attributes + #"(?:\w+\s+)*public\s+extension\b"#) {
                found.append("\(index + 1): \(code) (public extension: give each member `public` and its summary)")
            }
            if isDeclaration {
                var above = index - 1
                while above >= 0, EngineBoundaryTests.matches(lines[above].trimmingCharacters(in: .whitespaces), attributeLine) { above -= 1 }
                if above < 0 || !lines[above].trimmingCharacters(in: .whitespaces).hasPrefix("///") {
                    found.append("\(index + 1): \(code)")
                }
            }
            var bare = code.replacingOccurrences(of: #""(?:\\.|[^"\\])*""#, with: "\"\"", options: .regularExpression)
            if let comment = bare.range(of: "//") { bare = String(bare[..<comment.lowerBound]) }
            let opens = bare.filter { $0 == "{" }.count
            let closes = bare.filter { $0 == "}" }.count
            if opens > closes, let match = code.range(of: publicBody, options: .regularExpression) {
                bodies.append((depth + 1, code[match].hasSuffix("enum")))
            }
            depth += opens - closes
            while let body = bodies.last, depth < body.depth { bodies.removeLast() }
        }
        return found
    }

    @Test("the scanner finds what it is for")
    func scannerFinds() {
        let lines = [
            "/// A thing.",
            "public struct Thing {",
            "    public var undocumented: Int",
            "    /// Documented.",
            "    @inlinable",
            "    public func documented() {}",
            "    public static let alsoUndocumented = 1",
            "    var internalOne = 0",
            "}",
            "/// Kinds.",
            "public enum Kind: String {",
            "    /// A documented case.",
            "    case a",
            "    case b",
            "    func f() { switch self { case .a: break",
            "        case .b: break } }",
            "}",
            "/// Rules.",
            "public protocol Rule {",
            "    func check() -> Bool",
            "}",
            "let text = \"\"\"",
            "    public var insideAString = 1",
            "    \"\"\"",
            "public extension Thing {}",
        ]
        let found = Self.undocumented(lines).map { $0.prefix(while: { $0 != ":" }) }
        #expect(found == ["3", "7", "14", "20", "25"])
    }

    @Test("every public declaration has a one-line summary", arguments: PublicDocumentationTests.modules)
    func everyPublicDeclarationIsDocumented(module: String) throws {
        let folder = EngineBoundaryTests.sources.appendingPathComponent(module)
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }.sorted()
        #expect(!files.isEmpty)
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOfFile: folder.appendingPathComponent(file).path, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            offenders += Self.undocumented(lines).map { "\(module)/\(file):\($0)" }
        }
        #expect(offenders.isEmpty, "\(offenders.count) public declarations without a /// summary:\n\(offenders.joined(separator: "\n"))")
    }
}
