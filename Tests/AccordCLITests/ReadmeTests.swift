import Foundation
import Testing

/// Runs every ```console example in README.md against the built binary and
/// compares the output, ignoring what is random by design (ledger ids, hashes,
/// signatures). `Scripts/readme.py` refreshes the README after a change.
@Suite("README examples")
struct ReadmeTests {
    struct Example {
        var session: String
        var command: String
        var expected: String
        var line: Int
    }

    static func examples() throws -> [Example] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        var examples: [Example] = []
        var session = "main"
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if let range = line.range(of: "<!-- readme-session: ") {
                session = String(line[range.upperBound...].prefix { $0 != " " })
            }
            if line.trimmingCharacters(in: .whitespaces) == "```console" {
                index += 1
                var current: Example?
                while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces) != "```" {
                    let body = lines[index]
                    if body.hasPrefix("$ ") {
                        if let current { examples.append(current) }
                        current = Example(session: session, command: String(body.dropFirst(2)), expected: "", line: index + 1)
                    } else {
                        if var example = current {
                            example.expected += (example.expected.isEmpty ? "" : "\n") + body
                            current = example
                        }
                    }
                    index += 1
                }
                if let current { examples.append(current) }
                session = "main"
            }
            index += 1
        }
        return examples
    }

    /// Replaces what differs between runs: hex digests, UUIDs, base64 keys and signatures.
    static func normalize(_ text: String) -> String {
        var result = text.replacingOccurrences(of: "\r", with: "")
        let patterns = [
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[A-Za-z0-9+/]{40,}={0,2}",
            "[0-9a-f]{8,}",
        ]
        for pattern in patterns {
            result = result.replacingOccurrences(of: pattern, with: "<x>", options: .regularExpression)
        }
        return result.components(separatedBy: "\n").map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n")
    }

    @Test("every README example runs and prints what the README shows")
    func examplesAreTrue() throws {
        let examples = try Self.examples()
        #expect(examples.count >= 30, "the README lost its examples")
        var directories: [String: TemporaryDirectory] = [:]
        for example in examples {
            let directory: TemporaryDirectory
            if let existing = directories[example.session] {
                directory = existing
            } else {
                // Each session starts with a copy of examples/, as if run from the repository's root.
                directory = try TemporaryDirectory()
                try FileManager.default.copyItem(at: examplesDirectory, to: directory.url.appendingPathComponent("examples"))
                directories[example.session] = directory
            }
            var command = example.command
            for prefix in ["swift run accord ", "accord "] where command.hasPrefix(prefix) {
                command = "'\(AccordRunner.binary)' " + command.dropFirst(prefix.count)
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "{ " + command + "\n} 2>.stderr >.stdout"]
            process.currentDirectoryURL = directory.url
            var environment = ProcessInfo.processInfo.environment
            environment.removeValue(forKey: "ACCORD_DB")
            environment["ACCORD_NOW"] = "2025-06-10T12:00:00Z"
            environment["ACCORD_ACTOR"] = "monitor"
            process.environment = environment
            try process.run()
            process.waitUntilExit()
            let stdout = (try? String(contentsOfFile: directory.path(".stdout"), encoding: .utf8)) ?? ""
            let stderr = (try? String(contentsOfFile: directory.path(".stderr"), encoding: .utf8)) ?? ""
            let actual = (stderr + stdout).trimmingCharacters(in: .newlines)
            #expect(Self.normalize(actual) == Self.normalize(example.expected),
                    "README.md line \(example.line): `\(example.command)` printed:\n\(actual)")
            if example.expected.hasPrefix("Error: ") || example.expected.contains("\nError: ") {
                #expect(process.terminationStatus != 0, "README.md line \(example.line) shows an error but the command succeeded")
            } else if example.command.hasPrefix("accord audit") && example.expected.hasPrefix("TAMPERED") {
                #expect(process.terminationStatus == 1, "README.md line \(example.line): `\(example.command)` shows tampering but exited \(process.terminationStatus)")
            } else if example.command.hasPrefix("accord audit") || !example.expected.contains("TAMPERED") {
                #expect(process.terminationStatus == 0, "README.md line \(example.line): `\(example.command)` exited \(process.terminationStatus)")
            }
        }
    }
}
