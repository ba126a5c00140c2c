#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the records an import rejected, byte for byte as they were read,
/// and why each was rejected in a companion file.
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
final class RejectsWriter {
    let path: String
    let errorsPath: String
    let source: String
    private let output: FileOutput
    private let errors: FileOutput
    private let descriptor: Int32
    private let errorsDescriptor: Int32
    /// What ends a record that the input did not end (its last one): the header's line end.
    private let lineEnd: [UInt8]
    /// The line of the rejects file the next record starts on.
    private var line = 1


    /// Creates (or empties) both files and writes the CSV header (`header`:
    /// the header record as read; nil for JSONL).
    /// - Throws: ``LedgerError`` `.failure` when a file cannot be created,
    ///   `.badInput` when a path is a link or not a regular file.
    init(path: String, source: String, header: [UInt8]?, byteOrderMark: Bool) throws {
        self.path = path
        self.source = source
        errorsPath = RejectsFile.errorsPath(path)
        for (file, what) in [(path, "the rejects file"), (errorsPath, "the rejects file's companion")] {
            if let why = FileKind.refusal(file) {
                throw LedgerError.invalid(.rejects, "\(what) \(file) \(why)")
            }
        }
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw LedgerError.writing(path, doing: "cannot create the rejects file", code: errno)
        }
        errorsDescriptor = open(errorsPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard errorsDescriptor >= 0 else {
            let code = errno
            _ = closeDescriptor(descriptor)
            throw LedgerError.writing(errorsPath, doing: "cannot create the rejects file's companion", code: code)
        }
        output = FileOutput(descriptor)
        errors = FileOutput(errorsDescriptor)
        if let header {
            if byteOrderMark { output.write(bytes: [0xEF, 0xBB, 0xBF]) }
            lineEnd = RejectsWriter.lineEnd(of: header) ?? [UInt8(ascii: "\n")]
            write(header)
        } else {
            lineEnd = [UInt8(ascii: "\n")]
        }
    }

    /// Writes a rejected record (`raw`: its bytes as read, nil when they could
    /// not be kept) and its reason.
    func write(raw: [UInt8]?, line sourceLine: Int, message: String) {
        let reason = RejectsWriter.oneLine(message)
        guard let raw else {
            errors.line("\(source):\(sourceLine): \(reason) (not copied to \(path): the record is too long to keep)")
            return
        }
        errors.line("\(path):\(line): \(source) line \(sourceLine): \(reason)")
        write(raw)
    }

    private func write(_ record: [UInt8]) {
        output.write(bytes: record)
        line += RejectsWriter.lineEnds(in: record)
        if RejectsWriter.lineEnd(of: record) == nil {
            output.write(bytes: lineEnd)
            line += 1
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

    /// Flushes and closes both files.
    /// - Throws: ``LedgerError`` `.failure` when they could not be written.
    func close() throws {
        output.flush()
        errors.flush()
        let failed = output.failed
        let errorsFailed = errors.failed
        let closed = closeDescriptor(descriptor)
        let errorsClosed = closeDescriptor(errorsDescriptor)
        if failed || closed != 0 {
            throw LedgerError.writing(path, doing: "writing the rejects file", code: errno)
        }
        if errorsFailed || errorsClosed != 0 {
            throw LedgerError.writing(errorsPath, doing: "writing the rejects file's companion", code: errno)
        }
    }
}

/// Where an import's rejects file (``ImportOptions/rejectsPath``) has its reasons.
public enum RejectsFile {
    /// `FILE.errors`: one line per rejected record.
    public static func errorsPath(_ path: String) -> String { path + ".errors" }
}

/// Buffered writes to a file the rejects writer opened.
private final class FileOutput {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// Whether a write failed (later writes are dropped; ``RejectsWriter/close()`` reports it).
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
        var offset = 0
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while offset < raw.count {
                let written = writeDescriptor(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                offset += written
            }
        }
    }
}

/// `write(2)`, outside the class whose `write` methods would shadow it.
private func writeDescriptor(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// `close(2)`, outside the class whose `close()` method would shadow it.
private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
