import Foundation
import Testing

/// A small agreement for import tests: parties, an agreement, a quantity
/// commitment (UA-release, 1,000 prisoners), an action (texts-final), a
/// restraint (RU-no-strikes) and a guarantee, as one import file.
let structureCSV = """
    kind,id,name,party_kind,title,date,venue,agreement,party,commitment_kind,quantity,unit,due,from,until,reciprocal,depends_on,text,guarantor,covers,consequence,respond_within_days
    party,UA,Ukraine,state,,,,,,,,,,,,,,,,,,
    party,RU,Russian Federation,state,,,,,,,,,,,,,,,,,,
    party,US,United States,state,,,,,,,,,,,,,,,,,,
    agreement,ist,,,Istanbul talks,2025-05-16,Istanbul,,,,,,,,,,,,,,,
    commitment,UA-release,,,,,,ist,UA,,1000,prisoners,2025-05-25,,,,,"Release 1,000 prisoners",,,,
    commitment,RU-release,,,,,,ist,RU,quantity,1000,prisoners,2025-05-25,,,UA-release,,,,,,
    commitment,texts-final,,,,,,ist,UA,action,,,2025-06-02,,,,,,,,,
    commitment,RU-summit,,,,,,ist,RU,action,,,2025-06-30,,,,texts-final,,,,,
    commitment,RU-no-strikes,,,,,,ist,RU,restraint,,,,2025-05-16,2025-06-30,,,,,,,
    guarantee,US-sanctions,,,,,,,,,,,,,,,,,US,RU-no-strikes,Sanctions,7

    """

/// A directory with an initialised ledger holding ``structureCSV``.
struct ImportWorld {
    let dir: TemporaryDirectory
    let accord: AccordRunner
    let db: String

    init(structure: Bool = true) throws {
        dir = try TemporaryDirectory()
        accord = AccordRunner(dir)
        db = dir.path("ledger.sqlite")
        try accord.ok("init", "--db", db)
        if structure {
            try write("structure.csv", structureCSV)
            try accord.ok("import", "structure.csv", "--db", db)
        }
    }

    /// Writes a file in the test's directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let path = dir.path(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func read(_ name: String) throws -> String {
        try String(decoding: Data(contentsOf: URL(fileURLWithPath: dir.path(name))), as: UTF8.self)
    }

    /// Runs `accord import` on the ledger.
    func importing(_ arguments: String..., stdin: Data? = nil) throws -> Outcome {
        try accord(["import"] + arguments + ["--db", db], stdin: stdin)
    }

    /// The journal's head (seq and last entry's bytes) and the row counts of the
    /// tables an import writes: equal before and after means nothing was written.
    func state() throws -> String {
        try sqlite(db, """
            SELECT (SELECT max(seq) FROM journal), (SELECT hex(entry) FROM journal ORDER BY seq DESC LIMIT 1),
                   (SELECT count(*) FROM verifications), (SELECT count(*) FROM breaches),
                   (SELECT count(*) FROM corroborations), (SELECT count(*) FROM external_ids),
                   (SELECT count(*) FROM commitments), (SELECT count(*) FROM daily_totals);
            """)
    }

    /// One value from the ledger, through the sqlite3 shell.
    func query(_ sql: String) throws -> String {
        try sqlite(db, sql).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Commitment id → rate, from `accord report --format json`.
    func rates(at date: String = "2025-06-10") throws -> [String: Double] {
        let output = try accord.ok("report", "--db", db, "--at", date, "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let commitments = try #require(object["commitments"] as? [[String: Any]])
        var rates: [String: Double] = [:]
        for commitment in commitments {
            let id = try #require(commitment["id"] as? String)
            rates[id] = (commitment["rate"] as? NSNumber)?.doubleValue ?? -1
        }
        return rates
    }
}

/// Runs a Python 3 script with arguments; returns stdout, failing on a non-zero exit.
func python(_ script: String, _ arguments: [String] = [], in dir: TemporaryDirectory) throws -> String {
    let scriptPath = dir.path("script-\(UUID().uuidString).py")
    try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", scriptPath] + arguments
    process.currentDirectoryURL = dir.url
    let outPath = dir.path(".py-out-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    process.standardOutput = out
    process.standardError = out
    try process.run()
    process.waitUntilExit()
    try out.close()
    let text = try String(decoding: Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw PythonFailed(output: text)
    }
    return text
}

struct PythonFailed: Error, CustomStringConvertible {
    let output: String
    var description: String { "python3 failed: \(output)" }
}
