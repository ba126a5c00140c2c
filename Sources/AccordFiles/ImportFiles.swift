#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AccordCSV
import AccordLedger

/// The input of an import that a front end names by path: the host side of
/// ``AccordLedger/Ledger/importRows(from:name:options:as:rejects:progress:)``,
/// which reads only the bytes it is given.
public struct ImportInput {
    /// The open input, read chunk by chunk by the import.
    public let source: ByteSource
    /// How messages name the input: the path as given, or `stdin` for `-`.
    public let name: String

    /// Opens `path` for reading; `-` is standard input.
    /// - Throws: ``LedgerError`` `invalid` when it cannot be opened (missing,
    ///   a directory, unreadable), saying why.
    public init(path: String) throws {
        do {
            source = try ByteSource(path: path)
        } catch let error as ByteSourceError {
            throw LedgerError.invalid(nil, "\(error)")
        }
        name = path == "-" ? "stdin" : path
    }
}

extension Ledger {
    /// Imports the file at `path` (`-`: standard input), its format from
    /// ``ImportOptions/format``, the mapping's, or the file name (CSV unless
    /// `.jsonl` or `.ndjson`): ``ImportInput`` and ``importRows(from:name:options:as:rejects:progress:)``
    /// in one call, for a tool or a test that has a path. The command line
    /// makes the same calls itself.
    /// - Throws: ``LedgerError``: `invalid` for a `.json` name or a file that
    ///   cannot be opened; otherwise as ``importRows(from:name:options:as:rejects:progress:)``.
    public func importFile(_ path: String, options: ImportOptions = ImportOptions(), as recorder: Recorder,
                           rejects: (any ImportRejects)? = nil,
                           progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        var options = options
        options.format = try options.format ?? options.mapping.format ?? ImportFormat(path: path)
        let input = try ImportInput(path: path)
        return try importRows(from: input.source, name: input.name, options: options, as: recorder, rejects: rejects,
                              progress: progress)
    }
}

extension ImportMapping {
    /// Reads the mapping file at `path` (JSON, at most ``fileLimit`` bytes).
    /// - Throws: ``LedgerError`` `invalid(.mapping)` naming the file, and the
    ///   key or the line and column, of what is wrong.
    public static func load(_ path: String) throws -> ImportMapping {
        try ImportMapping(json: try readFile(path), name: path)
    }

    private static func readFile(_ path: String) throws -> [UInt8] {
        let source: ByteSource
        do {
            source = try ByteSource(path: path)
        } catch let error as ByteSourceError {
            throw LedgerError.invalid(.mapping, "the mapping file: \(error)")
        }
        var bytes: [UInt8] = []
        do {
            while true {
                let chunk = try source.nextChunk()
                if chunk.isEmpty { break }
                bytes.append(contentsOf: chunk)
                if bytes.count > fileLimit {
                    throw LedgerError.invalid(.mapping, "\(path) is larger than \(fileLimit / 1024) KiB; is it a mapping?")
                }
            }
        } catch let error as ByteSourceError {
            throw LedgerError.invalid(.mapping, "the mapping file: \(error)")
        }
        return bytes
    }
}

/// Where an import's rejects file has its reasons.
public enum RejectsFile {
    /// `FILE.errors`: one line per rejected record, beside the rejects file `path`.
    public static func errorsPath(_ path: String) -> String { path + ".errors" }
}

/// Writes the records an import rejected, byte for byte as they were read,
/// and why each was rejected in a companion file: the command line's
/// rejects file, handed to the import as its ``ImportRejects``.
///
/// The rejects file is the input cut down to its bad records: a CSV file's
/// header record and each rejected record exactly as read (quotes, line breaks
/// inside quotes, extra fields, its line end; the byte order mark when the
/// input had one), or a JSONL file's rejected lines exactly as read (a line
/// that does not parse included). So it reads again with the same command
/// (the same mapping, delimiter and format) once its rows are fixed in place.
///
/// The reasons go to `FILE.errors`, one line per rejected record:
/// `FILE:LINE: SOURCE line N: what is wrong`, where FILE:LINE is where the
/// record now is (an editor jumps there) and SOURCE line N where it was read.
/// A companion file rather than an added column: an added field would change
/// the record (and a record rejected for its field count, or a JSONL line
/// that does not parse, has no place to put one), and a column of any name
/// could clash with one of the file's own or be refused by its mapping.
///
/// Both files are created (or emptied) when the import begins, once the
/// input's header is accepted, and written directly (not atomically).
public final class RejectsFiles: ImportRejects {
    /// The rejects file.
    public let path: String
    /// Its companion, `FILE.errors` (``RejectsFile/errorsPath(_:)``).
    public let errorsPath: String
    /// How the reasons name the input (``ImportInput/name``).
    public let source: String
    private var output: FileOutput?
    private var errors: FileOutput?
    private var descriptor: Int32 = -1
    private var errorsDescriptor: Int32 = -1
    /// What ends a record that the input did not end (its last one): the header's line end.
    private var lineEnd: [UInt8] = [UInt8(ascii: "\n")]
    /// The line of the rejects file the next record starts on.
    private var line = 1

    /// Rejects to `path` and `path.errors`, naming the input `source`; nothing
    /// is created until the import begins.
    public init(path: String, source: String) {
        self.path = path
        self.source = source
        errorsPath = RejectsFile.errorsPath(path)
    }

    /// Creates (or empties) both files and writes the CSV header (nil for JSONL).
    /// - Throws: ``LedgerError`` `io` when a file cannot be created,
    ///   `invalid(.rejects)` when a path is a link or not a regular file.
    public func begin(header: [UInt8]?, byteOrderMark: Bool) throws {
        for (file, what) in [(path, "the rejects file"), (errorsPath, "the rejects file's companion")] {
            if let why = FileKind.refusal(file) {
                throw LedgerError.invalid(.rejects, "\(what) \(file) \(why)")
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw LedgerError.writing(path, doing: "cannot create the rejects file", code: errno)
        }
        let errorsDescriptor = open(errorsPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard errorsDescriptor >= 0 else {
            let code = errno
            _ = closeDescriptor(descriptor)
            throw LedgerError.writing(errorsPath, doing: "cannot create the rejects file's companion", code: code)
        }
        self.descriptor = descriptor
        self.errorsDescriptor = errorsDescriptor
        output = FileOutput(descriptor)
        errors = FileOutput(errorsDescriptor)
        if let header {
            if byteOrderMark { output?.write(bytes: [0xEF, 0xBB, 0xBF]) }
            lineEnd = RejectsFiles.lineEnd(of: header) ?? [UInt8(ascii: "\n")]
            write(header)
        }
    }

    /// Writes a rejected record (`raw`: its bytes as read, nil when they could
    /// not be kept) and its reason, on one line.
    public func reject(raw: [UInt8]?, line sourceLine: Int, message: String) {
        let reason = RejectsFiles.oneLine(message)
        guard let raw else {
            errors?.line("\(source):\(sourceLine): \(reason) (not copied to \(path): the record is too long to keep)")
            return
        }
        errors?.line("\(path):\(line): \(source) line \(sourceLine): \(reason)")
        write(raw)
    }

    private func write(_ record: [UInt8]) {
        output?.write(bytes: record)
        line += RejectsFiles.lineEnds(in: record)
        if RejectsFiles.lineEnd(of: record) == nil {
            output?.write(bytes: lineEnd)
            line += 1
        }
    }

    /// Flushes and closes both files.
    /// - Throws: ``LedgerError`` `io` when they could not be written.
    public func finish() throws {
        guard let output, let errors else { return }
        self.output = nil
        self.errors = nil
        output.flush()
        errors.flush()
        let closed = closeDescriptor(descriptor)
        let errorsClosed = closeDescriptor(errorsDescriptor)
        if output.failed || closed != 0 {
            throw LedgerError.writing(path, doing: "writing the rejects file", code: errno)
        }
        if errors.failed || errorsClosed != 0 {
            throw LedgerError.writing(errorsPath, doing: "writing the rejects file's companion", code: errno)
        }
    }

    /// The line end a record ends with: CRLF, LF or CR; nil when none.
    static func lineEnd(of record: [UInt8]) -> [UInt8]? {
        guard let last = record.last else { return nil }
        if last == UInt8(ascii: "\n") {
            return record.count >= 2 && record[record.count - 2] == UInt8(ascii: "\r") ? [13, 10] : [10]
        }
        return last == UInt8(ascii: "\r") ? [13] : nil
    }

    /// Line ends in `bytes`, counted as editors count them (CRLF once).
    static func lineEnds(in bytes: [UInt8]) -> Int {
        var count = 0
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") {
                count += 1
            } else if byte == UInt8(ascii: "\r"), index + 1 == bytes.count || bytes[index + 1] != UInt8(ascii: "\n") {
                count += 1
            }
        }
        return count
    }

    /// A message on one line: line breaks and other control characters escaped.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Buffered writes to a file the rejects writer opened.
private final class FileOutput {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// Whether a write failed (later writes are dropped; ``RejectsFiles/finish()`` reports it).
    private(set) var failed = false

    init(_ descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    func line(_ text: String) {
        write(bytes: Array(text.utf8) + [10])
    }

    func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard !buffer.isEmpty, !failed else { return }
        if systemWriteAll(descriptor, buffer) != 0 { failed = true }
    }
}

/// `close(2)`, outside the class whose `finish()` closes through it.
private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
