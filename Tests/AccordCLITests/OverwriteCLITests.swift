import Foundation
import Testing

/// Commands that write a file never write over the ledger or what they read.
@Suite("Outputs that would destroy an input")
struct OverwriteCLITests {
    static func bytes(_ dir: TemporaryDirectory, _ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: dir.path(name)))
    }

    @Test("checkpoint --out refuses the ledger and the key, and writes nothing",
          arguments: ["demo.sqlite", "./demo.sqlite", "demo.sqlite-wal", "monitor.key"])
    func checkpointOut(target: String) throws {
        let (dir, accord) = try BriefCLITests.demo()
        try accord.ok("key", "generate", "--out", "monitor.key")
        try accord.ok("key", "register", "monitor", "--public", "monitor.key.pub", "--db", "demo.sqlite")
        // A -wal companion exists only while a connection is open; make one stand in.
        if target.hasSuffix("-wal") { FileManager.default.createFile(atPath: dir.path(target), contents: Data()) }
        let ledger = try Self.bytes(dir, "demo.sqlite")
        let key = try Self.bytes(dir, "monitor.key")
        let outcome = try accord(["checkpoint", "--key", "monitor.key", "--out", target, "--db", "demo.sqlite"])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: --out \(target) is the"), "\(outcome.stderr)")
        #expect(try Self.bytes(dir, "demo.sqlite") == ledger)
        #expect(try Self.bytes(dir, "monitor.key") == key)
    }

    @Test("import --rejects refuses the file being imported and the ledger, and imports nothing",
          arguments: ["rows.csv", "./rows.csv", "demo.sqlite"])
    func importRejects(target: String) throws {
        let (dir, accord) = try BriefCLITests.demo()
        let rows = "id,commitment,quantity,observed,source\nok-1,UA-release,5,2025-06-01,Test\nbad-1,nowhere,5,2025-06-01,Test\n"
        try Data(rows.utf8).write(to: URL(fileURLWithPath: dir.path("rows.csv")))
        let ledger = try Self.bytes(dir, "demo.sqlite")
        let outcome = try accord(["import", "rows.csv", "--keep-going", "--rejects", target, "--db", "demo.sqlite"])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: --rejects \(target) is the"), "\(outcome.stderr)")
        #expect(try Self.bytes(dir, "rows.csv") == Data(rows.utf8))
        #expect(try Self.bytes(dir, "demo.sqlite") == ledger)
    }
}

/// Every file a command writes (`brief --out/--pdf`, `checkpoint --out`,
/// `import --rejects`, `key generate --out` and its .pub, `key request --out`) is refused, with
/// exit 64 and nothing written, when it is a link, not a regular file, or
/// one of the ledger's SQLite files (by name, even before they exist, or by
/// identity).
@Suite("Outputs that are not plain new or regular files")
struct OutputTargetCLITests {
    /// The commands that write a file, and the flag their refusal names.
    enum Writer: String, CaseIterable, CustomTestStringConvertible {
        case briefOut, briefPDF, checkpointOut, importRejects, keyOut, keyPub, requestOut

        var testDescription: String { rawValue }

        /// The arguments that write `target` (for keyPub, `target` is the .pub file).
        func arguments(_ target: String) -> [String] {
            switch self {
            case .briefOut: ["brief", "--at", "2025-06-10", "--out", target, "--db", "accord.sqlite"]
            case .briefPDF: ["brief", "--at", "2025-06-10", "--out", "brief.html", "--pdf", target, "--db", "accord.sqlite"]
            case .checkpointOut: ["checkpoint", "--key", "monitor.key", "--out", target, "--db", "accord.sqlite"]
            case .importRejects: ["import", "rows.csv", "--keep-going", "--rejects", target, "--db", "accord.sqlite"]
            case .keyOut: ["key", "generate", "--out", target, "--db", "accord.sqlite"]
            case .keyPub: ["key", "generate", "--out", String(target.dropLast(4)), "--db", "accord.sqlite"]
            case .requestOut: ["key", "request", "--key", "monitor.key", "--out", target, "--db", "accord.sqlite"]
            }
        }

        /// How the error starts.
        func errorPrefix(_ target: String) -> String {
            switch self {
            case .briefOut, .checkpointOut, .keyOut, .requestOut: "Error: --out \(target) is "
            case .briefPDF: "Error: --pdf \(target) is "
            case .importRejects: "Error: --rejects \(target) is "
            case .keyPub: "Error: --out \(target.dropLast(4)): the public key file \(target) is "
            }
        }
    }

    /// What stands at the output path.
    enum Target: String, CaseIterable, CustomTestStringConvertible {
        case fifo, directory, linkToFile, linkToDevNull, danglingLink, walByName, shmByName, journalByName, hardLinkToWAL

        var testDescription: String { rawValue }

        /// The path given to the command (keyPub writes `<name>.pub`).
        func path(for writer: Writer) -> String {
            let name: String
            switch self {
            case .walByName: name = "accord.sqlite-wal"
            case .shmByName: name = "./accord.sqlite-shm"
            case .journalByName: name = "sub/../accord.sqlite-journal"
            default: name = "target-\(rawValue)"
            }
            return writer == .keyPub ? name + ".pub" : name
        }

        /// Makes it; returns the words the refusal must use.
        func make(at path: String) throws -> String {
            let fm = FileManager.default
            switch self {
            case .fifo:
                #expect(mkfifo(path, 0o644) == 0)
                return "a FIFO"
            case .directory:
                try fm.createDirectory(atPath: path, withIntermediateDirectories: false)
                return "a directory"
            case .linkToFile:
                let real = path + ".real"
                try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: real))
                try fm.createSymbolicLink(atPath: path, withDestinationPath: (real as NSString).lastPathComponent)
                return "a symbolic link"
            case .linkToDevNull:
                try fm.createSymbolicLink(atPath: path, withDestinationPath: "/dev/null")
                return "a symbolic link"
            case .danglingLink:
                try fm.createSymbolicLink(atPath: path, withDestinationPath: "nowhere")
                return "a symbolic link"
            case .walByName: return "the ledger's wal file"
            case .shmByName: return "the ledger's shm file"
            case .journalByName: return "the ledger's journal file"
            case .hardLinkToWAL:
                let wal = (path as NSString).deletingLastPathComponent + "/accord.sqlite-wal"
                #expect(fm.createFile(atPath: wal, contents: Data()))
                #expect(link(wal, path) == 0)
                return "the ledger's wal file"
            }
        }

        /// Targets that make sense for a writer: a .pub file never has a ledger's name.
        static func applies(to writer: Writer) -> [Target] {
            writer == .keyPub ? [.fifo, .directory, .linkToFile, .linkToDevNull, .danglingLink] : allCases
        }
    }

    /// Every entry under `dir` (links not followed): its kind, and the bytes
    /// of regular files or the destination of links.
    static func snapshot(_ dir: TemporaryDirectory) throws -> [String: String] {
        let fm = FileManager.default
        var entries: [String: String] = [:]
        let root = dir.url.path
        var pending = [""]
        while let relative = pending.popLast() {
            for name in try fm.contentsOfDirectory(atPath: root + "/" + relative) {
                let path = relative.isEmpty ? name : relative + "/" + name
                let full = root + "/" + path
                let type = try fm.attributesOfItem(atPath: full)[.type] as? FileAttributeType
                switch type {
                case .typeRegular?: entries[path] = "file " + (try Data(contentsOf: URL(fileURLWithPath: full))).base64EncodedString()
                case .typeSymbolicLink?: entries[path] = "link " + (try fm.destinationOfSymbolicLink(atPath: full))
                case .typeDirectory?:
                    entries[path] = "directory"
                    pending.append(path)
                default: entries[path] = "\(type?.rawValue ?? "unknown")"
                }
            }
        }
        return entries
    }

    @Test("a link, a FIFO, a directory or a ledger file is refused with exit 64 and nothing is written",
          arguments: Writer.allCases, Target.allCases)
    func refusesTarget(writer: Writer, target: Target) throws {
        guard Target.applies(to: writer).contains(target) else { return }
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        _ = try BaseLedger.copy(into: dir)
        try FileManager.default.createDirectory(atPath: dir.path("sub"), withIntermediateDirectories: false)
        if writer == .checkpointOut || writer == .requestOut {
            try accord.ok("key", "generate", "--out", "monitor.key")
            try accord.ok("key", "register", "monitor", "--public", "monitor.key.pub", "--db", "accord.sqlite")
        }
        if writer == .importRejects {
            try Data("id,commitment,quantity,observed,source\nok-1,UA-release,5,2025-05-26,Test\nbad-1,nowhere,5,2025-05-26,Test\n".utf8)
                .write(to: URL(fileURLWithPath: dir.path("rows.csv")))
        }
        let path = target.path(for: writer)
        let words = try target.make(at: dir.path(path))
        // A reader on the FIFO, so that a command that wrongly opens it for writing cannot hang.
        let reader = target == .fifo ? open(dir.path(path), O_RDONLY | O_NONBLOCK) : -1
        defer { if reader >= 0 { close(reader) } }
        let before = try Self.snapshot(dir)

        let outcome = try accord(writer.arguments(path))
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix(writer.errorPrefix(path)), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(words), "\(outcome.stderr)")
        #expect(outcome.isOneLineError, "\(outcome.stderr)")
        #expect(try Self.snapshot(dir) == before)
        if reader >= 0 {
            var byte: UInt8 = 0
            #expect(read(reader, &byte, 1) <= 0, "something was written into the FIFO")
        }
    }

    @Test("/dev/null is refused as a rejects file and a key file, and stays a character device",
          arguments: [["import", "rows.csv", "--keep-going", "--rejects", "/dev/null"], ["key", "generate", "--out", "/dev/null"]])
    func refusesDevNull(arguments: [String]) throws {
        // Only commands that, if they failed to refuse, would write into /dev/null rather than replace it.
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        _ = try BaseLedger.copy(into: dir)
        try Data("id,commitment,quantity,observed,source\nbad-1,nowhere,5,2025-05-26,Test\n".utf8)
            .write(to: URL(fileURLWithPath: dir.path("rows.csv")))
        let before = try Self.snapshot(dir)
        let outcome = try accord(arguments + ["--db", "accord.sqlite"])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        let flag = arguments[0] == "import" ? "--rejects" : "--out"
        #expect(outcome.stderr.hasPrefix("Error: \(flag) /dev/null is a character device, not a regular file"), "\(outcome.stderr)")
        #expect(try Self.snapshot(dir) == before)
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test("a regular file is still replaced whole, and - is still standard output")
    func regularFilesAndStdout() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        _ = try BaseLedger.copy(into: dir)
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: dir.path("brief.md")))
        try accord.ok("brief", "--format", "markdown", "--at", "2025-06-10", "--out", "brief.md")
        let written = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir.path("brief.md"))), as: UTF8.self)
        #expect(written.hasPrefix("# Briefing"), "\(written.prefix(40))")
        let stdout = try accord.ok("brief", "--format", "markdown", "--at", "2025-06-10", "--out", "-")
        #expect(stdout.hasPrefix("# Briefing"))
    }
}
