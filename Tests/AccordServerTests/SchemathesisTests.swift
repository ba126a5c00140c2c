import AccordLedger
import Foundation
import Testing

/// schemathesis (PyPI; `.ci/run` installs it) sends generated requests,
/// valid and invalid, to a live server on loopback for a bounded number of
/// examples per operation: no answer may be a 5xx, and every answer must match
/// docs/openapi.yaml (status code, content type, body schema). Afterwards the
/// ledger audits clean. A missing schemathesis is a failure, not a skip.
@Suite(.serialized) struct SchemathesisTests {
    /// `schemathesis` on PATH, or where `pip install --user` puts it.
    static let binary: String? = {
        var directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        directories.append(NSHomeDirectory() + "/.local/bin")
        directories += ["/usr/local/bin", "/usr/bin"]
        return directories.map { $0 + "/schemathesis" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs `argv` in `directory` to its end; its status and what it printed.
    static func run(_ argv: [String], in directory: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let outputPath = directory + "/schemathesis-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    @Test func generatedRequestsGetNoServerErrorAndMatchTheDocument() async throws {
        let schemathesis = try #require(SchemathesisTests.binary,
                                        "schemathesis is not installed (pip install schemathesis; .ci/run installs it)")
        let started = Date()
        let fixture = try ServerFixture()
        let server = try LiveServer(db: fixture.path, directory: fixture.directory)
        let document = OpenAPITests.root.appendingPathComponent("docs/openapi.yaml").path

        // An admin over every operation (the evidence and review routes answer
        // it 403, which the document allows), then the monitor and the reviewer
        // over the routes only they may call, so that their bodies get past the
        // role check. A fixed seed keeps CI reproducible; 8 examples per
        // operation and phase keep the whole run near a minute.
        let runs: [(TokenRole, [String])] = [
            (.admin, []),
            (.monitor, ["--include-tag", "evidence"]),
            (.reviewer, ["--include-tag", "review"]),
        ]
        for (role, filter) in runs {
            let token = try #require(fixture.tokens[role])
            let (status, output) = try SchemathesisTests.run([
                schemathesis, "run", document,
                "--url", "http://127.0.0.1:\(server.port)",
                "--header", "Authorization: Bearer \(token)",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--phases", "examples,coverage,fuzzing",
                "--max-examples", "8",
                "--seed", "1",
                "--generation-database", "none",
                // One worker: with two, Python 3.11's `ast` (hypothesis describing a
                // filter lambda in two threads at once) fails with "AST constructor
                // recursion depth mismatch", a crash of the tool, not a finding.
                "--workers", "1",
                "--request-timeout", "10",
                "--no-color",
            ] + filter, in: fixture.directory.url.path)
            #expect(status == 0, "schemathesis as \(role.rawValue) found failures:\n\(output.suffix(6000))")
            #expect(output.contains("passed"), "\(output.suffix(2000))")
        }

        server.signal(SIGTERM)
        #expect(server.wait() == 0, "\(server.log)")
        let audit = try LiveServer.accord(["audit", "--db", fixture.path])
        #expect(audit.status == 0 && audit.stdout.hasPrefix("verified:"), "\(audit.stdout)\(audit.stderr)")
        print("SchemathesisTests: 3 runs in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}
