import Foundation
import Testing

/// A small ledger built once per test process by running the real binary, so
/// that each test can start from its own copy instead of paying for a dozen
/// fsync'd processes.
///
/// Parties UA, RU, US; agreement A; UA-release and RU-release (1,000
/// prisoners each, due 2025-05-25, paired); texts (action, due 2025-06-02);
/// summit (action, due 2025-06-30, depends on texts); no-strikes (RU's
/// restraint, 2025-05-16 … 2025-06-30) guaranteed by US as G (7 days);
/// grain (100 tonnes, unpaired); and one verification, id v1 (390 on 2025-05-23).
enum BaseLedger {
    static let commands: [[String]] = [
        ["init"],
        ["party", "add", "UA", "--name", "Ukraine", "--kind", "state"],
        ["party", "add", "RU", "--name", "Russian Federation", "--kind", "state"],
        ["party", "add", "US", "--name", "United States", "--kind", "state"],
        ["agreement", "add", "A", "--title", "Istanbul talks", "--date", "2025-05-16", "--venue", "Istanbul"],
        ["commitment", "add", "UA-release", "--agreement", "A", "--party", "UA", "--quantity", "1000", "--unit", "prisoners",
         "--due", "2025-05-25"],
        ["commitment", "add", "RU-release", "--agreement", "A", "--party", "RU", "--quantity", "1000", "--unit", "prisoners",
         "--due", "2025-05-25", "--reciprocal", "UA-release"],
        ["commitment", "add", "texts", "--agreement", "A", "--party", "UA", "--action", "--due", "2025-06-02"],
        ["commitment", "add", "summit", "--agreement", "A", "--party", "RU", "--action", "--due", "2025-06-30",
         "--depends-on", "texts"],
        ["commitment", "add", "no-strikes", "--agreement", "A", "--party", "RU", "--restraint", "--from", "2025-05-16",
         "--until", "2025-06-30"],
        ["commitment", "add", "grain", "--agreement", "A", "--party", "RU", "--quantity", "100", "--unit", "tonnes",
         "--due", "2025-06-30"],
        ["guarantee", "add", "G", "--guarantor", "US", "--covers", "no-strikes", "--consequence", "Sanctions",
         "--respond-within-days", "7"],
        ["log", "UA-release", "--quantity", "390", "--observed", "2025-05-23", "--source", "ICRC", "--id", "v1"],
    ]

    /// The base ledger plus evidence: UA released 390 + 610 (fulfilled on the
    /// due date), RU 390 (id v2, corroborated by RU MoD) and 300 probable; G0, a
    /// second guarantee of no-strikes with 0 days to respond; a confirmed breach
    /// of no-strikes on 05-30 (id b1) and an unverified one on 05-28; G and G0
    /// both invoked on 06-01 (G0 too late).
    static let scenarioCommands: [[String]] = [
        ["log", "RU-release", "--quantity", "390", "--observed", "2025-05-23", "--source", "ICRC", "--id", "v2"],
        ["log", "--corroborates", "v2", "--source", "RU MoD", "--source-kind", "official"],
        ["log", "UA-release", "--quantity", "610", "--observed", "2025-05-25", "--source", "ICRC"],
        ["log", "RU-release", "--quantity", "300", "--observed", "2025-05-24", "--source", "RU MoD", "--confidence", "probable"],
        ["guarantee", "add", "G0", "--guarantor", "US", "--covers", "no-strikes", "--consequence", "Statement",
         "--respond-within-days", "0"],
        ["breach", "no-strikes", "--party", "RU", "--observed", "2025-05-30", "--severity", "major", "--source", "UN HRMMU",
         "--id", "b1"],
        ["breach", "no-strikes", "--party", "RU", "--observed", "2025-05-28", "--severity", "grave", "--source", "Telegram",
         "--confidence", "unverified"],
        ["guarantee", "invoke", "G", "--date", "2025-06-01", "--note", "Sanctions announced"],
        ["guarantee", "invoke", "G0", "--date", "2025-06-01"],
    ]

    static let base = build(commands)
    static let scenario = build(commands + scenarioCommands)

    /// Runs the commands in a fresh directory and returns the ledger file's bytes
    /// (each process checkpoints and removes the WAL when it exits).
    static func build(_ commands: [[String]]) -> Result<Data, any Error> {
        Result {
            let dir = try TemporaryDirectory()
            let accord = AccordRunner(dir)
            for command in commands {
                let outcome = try accord(command)
                guard outcome.status == 0 else { throw CommandFailed(arguments: command, outcome: outcome) }
            }
            #expect(!FileManager.default.fileExists(atPath: dir.path("accord.sqlite-wal")))
            return try Data(contentsOf: URL(fileURLWithPath: dir.path("accord.sqlite")))
        }
    }

    /// Writes a copy of the base ledger (or another template) as `accord.sqlite` in `dir`.
    static func copy(into dir: TemporaryDirectory, from template: Result<Data, any Error> = base) throws -> String {
        let path = dir.path("accord.sqlite")
        try template.get().write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// The state of a ledger file as an auditor sees it with the sqlite3 shell:
/// the journal's entries, and every row of every table.
struct LedgerState: Equatable {
    let journal: String
    let dump: String

    init(_ path: String) throws {
        // One sqlite3 process for both: the journal's rows, a marker, then the dump.
        let output = try runProgram("/usr/bin/env", ["sqlite3", path,
                                                     "SELECT seq, hex(entry) FROM journal ORDER BY seq",
                                                     "SELECT '-- dump --'", ".dump"])
        let parts = output.components(separatedBy: "-- dump --\n")
        journal = parts.first ?? ""
        dump = parts.count == 2 ? parts[1] : ""
        #expect(!journal.isEmpty && dump.contains("CREATE TABLE journal"), "\(output.prefix(200))")
    }
}

extension Outcome {
    /// Exactly one line on stderr, starting `Error: `.
    var isOneLineError: Bool {
        stderr.hasPrefix("Error: ") && stderr.hasSuffix("\n") && stderr.dropLast().split(separator: "\n").count == 1
    }
}

extension AccordRunner {
    /// Runs and parses stdout as JSON.
    func json(_ arguments: String...) throws -> Any {
        let outcome = try self(arguments)
        guard outcome.status == 0 else { throw CommandFailed(arguments: arguments, outcome: outcome) }
        return try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8), options: [.fragmentsAllowed])
    }

    /// Runs `accord report --format json` with the extra arguments and returns the object.
    func report(_ arguments: String...) throws -> [String: Any] {
        try report(arguments)
    }

    func report(_ arguments: [String]) throws -> [String: Any] {
        let outcome = try self(["report", "--format", "json"] + arguments)
        guard outcome.status == 0 else { throw CommandFailed(arguments: arguments, outcome: outcome) }
        let object = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))
        return try #require(object as? [String: Any])
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The object in array `section` whose `key` is `value`.
    func row(_ section: String, _ value: String, key: String = "id") -> [String: Any]? {
        (self[section] as? [[String: Any]])?.first { ($0[key] as? String) == value }
    }
}

/// Parses CSV text with Python's csv module and returns the rows.
func pythonCSV(_ text: String, in dir: TemporaryDirectory, delimiter: String = ",") throws -> [[String]] {
    let file = dir.path("python-\(UUID().uuidString).csv")
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    let script = "import csv, json, sys\n"
        + "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
        + "    print(json.dumps(list(csv.reader(f, delimiter=sys.argv[2], strict=True))))\n"
    let output = try runProgram("/usr/bin/env", ["python3", "-c", script, file, delimiter])
    let rows = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String]]
    return try #require(rows)
}

/// Runs a program and returns its stdout; throws when it exits non-zero.
func runProgram(_ program: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CommandFailed(arguments: [program] + arguments,
                            outcome: Outcome(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self),
                                             stderr: ""))
    }
    return String(decoding: data, as: UTF8.self)
}
