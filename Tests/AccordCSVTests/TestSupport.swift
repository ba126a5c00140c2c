import AccordCSV
import Foundation
import Testing

/// A fresh directory for one test, removed when the test is done.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("AccordCSVTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to a file in the directory and returns its path.
    func write(_ bytes: [UInt8], name: String = "input") throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Runs `body` with a temporary directory that is removed afterwards.
func withTemporaryDirectory<R>(_ body: (TemporaryDirectory) throws -> R) throws -> R {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    return try body(directory)
}

/// What a reader produced for one call to `next()`.
enum CSVOutcome: Equatable, CustomStringConvertible {
    case record(CSVRecord)
    case error(CSVError)

    var description: String {
        switch self {
        case .record(let record): return "\(record.line): \(record.fields)"
        case .error(let error): return "\(error.line): error \(error.kind): \(error)"
        }
    }
}

/// Reads every record and every error of a CSV file, the way an importer that lists all bad
/// rows would: on after recoverable errors, stopping after fatal ones.
func readOutcomes(_ reader: CSVReader) throws -> [CSVOutcome] {
    var outcomes: [CSVOutcome] = []
    while true {
        do {
            guard let record = try reader.next() else { return outcomes }
            outcomes.append(.record(record))
        } catch let error as CSVError {
            outcomes.append(.error(error))
            if !error.isRecoverable {
                #expect(try reader.next() == nil, "a fatal error ends the reader")
                return outcomes
            }
        }
    }
}

/// Writes `bytes` to a file in a fresh temporary directory and reads it back.
func readCSV(_ bytes: [UInt8], options: CSVReader.Options = .csv, chunkSize: Int = ByteSource.defaultChunkSize) throws -> [CSVOutcome] {
    try withTemporaryDirectory { directory in
        let path = try directory.write(bytes, name: "batch.csv")
        return try readOutcomes(CSVReader(path: path, options: options, chunkSize: chunkSize))
    }
}

func readCSV(_ text: String, options: CSVReader.Options = .csv, chunkSize: Int = ByteSource.defaultChunkSize) throws -> [CSVOutcome] {
    try readCSV(Array(text.utf8), options: options, chunkSize: chunkSize)
}

/// The records only, failing the test on any error.
func records(_ text: String, options: CSVReader.Options = .csv, chunkSize: Int = ByteSource.defaultChunkSize) throws -> [CSVRecord] {
    try readCSV(text, options: options, chunkSize: chunkSize).map { outcome in
        guard case .record(let record) = outcome else {
            Issue.record("unexpected \(outcome)")
            return CSVRecord(line: 0, fields: [])
        }
        return record
    }
}

/// What a JSONL reader produced for one call to `next()`.
enum JSONLOutcome: Equatable, CustomStringConvertible {
    case record(JSONLRecord)
    case error(JSONLError)

    var description: String {
        switch self {
        case .record(let record): return "\(record.line): \(record.fields)"
        case .error(let error): return "\(error.line): error \(error.kind): \(error)"
        }
    }
}

func readJSONL(_ bytes: [UInt8], options: JSONLReader.Options = .init(), chunkSize: Int = ByteSource.defaultChunkSize) throws -> [JSONLOutcome] {
    try withTemporaryDirectory { directory in
        let path = try directory.write(bytes, name: "batch.jsonl")
        let reader = try JSONLReader(path: path, options: options, chunkSize: chunkSize)
        var outcomes: [JSONLOutcome] = []
        while true {
            do {
                guard let record = try reader.next() else { return outcomes }
                outcomes.append(.record(record))
            } catch let error as JSONLError {
                outcomes.append(.error(error))
            }
        }
    }
}

func readJSONL(_ text: String, options: JSONLReader.Options = .init(), chunkSize: Int = ByteSource.defaultChunkSize) throws -> [JSONLOutcome] {
    try readJSONL(Array(text.utf8), options: options, chunkSize: chunkSize)
}

/// SplitMix64, for property tests that are the same on every run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
