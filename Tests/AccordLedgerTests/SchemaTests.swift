import AccordSchema
import AccordStorage
import Foundation
import Testing

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("Schema")
struct SchemaTests {
    @Test("the carried migrations are Migrations/*.sql, byte for byte")
    func carriedEqualsFiles() throws {
        let folder = packageRoot.appendingPathComponent("Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        #expect(!files.isEmpty)
        #expect(Schema.embedded.map(\.fileName) == files)
        for (file, carried) in zip(files, Schema.embedded) {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(file))
            #expect(Array(carried.sql.utf8) == [UInt8](bytes), "\(file) differs from the carried copy")
        }
        #expect(Schema.embedded.map(\.version) == Array(1...files.count))
    }

    @Test("each checksum is the SHA-256 of the file's bytes")
    func checksums() throws {
        for migration in Schema.embedded {
            let path = packageRoot.appendingPathComponent("Migrations").appendingPathComponent(migration.fileName).path
            let output = try run("/usr/bin/env", ["sha256sum", path])
            #expect(output.hasPrefix(migration.checksum + " "), "\(migration.fileName)")
        }
    }

    @Test("the generator picks up a new migration file and refuses a gap or a bad name")
    func generatorPicksUpNewFile() throws {
        let tool = try #require(Self.generatorTool(), "EmbedMigrations-tool not built")
        let dir = try TemporaryDirectory()
        let folder = packageRoot.appendingPathComponent("Migrations")
        var inputs: [String] = []
        for migration in Schema.embedded {
            let copy = dir.path(migration.fileName)
            try FileManager.default.copyItem(atPath: folder.appendingPathComponent(migration.fileName).path, toPath: copy)
            inputs.append(copy)
        }
        let next = String(format: "%04d_added_later.sql", Schema.embedded.count + 1)
        try Data("CREATE TABLE added_later (x INTEGER) STRICT;\n".utf8).write(to: URL(fileURLWithPath: dir.path(next)))
        let output = dir.path("Embedded.swift")
        _ = try run(tool, [output] + inputs + [dir.path(next)])
        let generated = try String(contentsOfFile: output, encoding: .utf8)
        #expect(generated.contains("fileName: \"\(next)\""))
        #expect(generated.contains("CREATE TABLE added_later"))

        let gap = String(format: "%04d_gap.sql", Schema.embedded.count + 3)
        try Data("SELECT 1;".utf8).write(to: URL(fileURLWithPath: dir.path(gap)))
        #expect(throws: (any Error).self) { try run(tool, [output] + inputs + [dir.path(gap)]) }
        try Data("SELECT 1;".utf8).write(to: URL(fileURLWithPath: dir.path("9_Bad-Name.sql")))
        #expect(throws: (any Error).self) { try run(tool, [output] + inputs + [dir.path("9_Bad-Name.sql")]) }
    }

    /// The generator executable built next to the tests.
    static func generatorTool() -> String? {
        let buildDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [buildDir, buildDir.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("EmbedMigrations-tool").path }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/EmbedMigrations-tool").path)
        if let self_ = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let dir = URL(fileURLWithPath: self_).deletingLastPathComponent()
            candidates.insert(dir.appendingPathComponent("EmbedMigrations-tool").path, at: 0)
            candidates.insert(dir.deletingLastPathComponent().appendingPathComponent("EmbedMigrations-tool").path, at: 1)
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

struct ProcessFailed: Error { let status: Int32; let output: String }

/// Runs a program and returns its stdout; throws when it exits non-zero.
@discardableResult
func run(_ program: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else { throw ProcessFailed(status: process.terminationStatus, output: output) }
    return output
}
