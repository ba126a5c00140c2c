#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AccordLedger

/// Whole-file writes that never leave a half-written file: the bytes go to a
/// temporary file in the same directory, are flushed to disk, and the
/// temporary file is renamed over the target. A failure removes it.
public enum AtomicFile {
    /// Writes `text` to `path` atomically, with the permissions a new file
    /// would get (0666 less the umask).
    /// - Throws: ``LedgerError`` `.failure` naming the path and the reason; no
    ///   file is left behind and an existing file at `path` is untouched.
    public static func write(_ text: String, to path: String) throws {
        let (descriptor, temporary) = try makeTemporary(near: path)
        var closed = false
        do {
            do {
                try writeAll(descriptor, Array(text.utf8), path: path)
            } catch {
                throw failure("writing", path)
            }
            guard fsync(descriptor) == 0 else { throw failure("flushing", path) }
            closed = true
            guard close(descriptor) == 0 else { throw failure("closing", path) }
        } catch {
            if !closed { close(descriptor) }
            unlink(temporary)
            throw error
        }
        try commit(temporary, to: path)
    }

    /// Writes all of `bytes` to an open file, retrying short and interrupted writes.
    /// - Throws: ``LedgerError`` `.failure` naming `path` and the reason.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
        let code = systemWriteAll(descriptor, bytes)
        if code != 0 { throw LedgerError.writing(path, code: code) }
    }

    /// Creates an empty temporary file next to `path` (named `.NAME.tmp-XXXXXX.EXT`)
    /// with the permissions a new file would get. The caller fills it, then
    /// calls ``commit(_:to:)`` or removes it.
    /// - Throws: ``LedgerError`` `.failure` when the directory cannot be written.
    public static func makeTemporary(near path: String) throws -> (descriptor: Int32, path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty, name != ".", name != ".." else {
            throw LedgerError.invalid(nil, "cannot write to '\(TextRules.printable(path))': give a file name, not a directory")
        }
        // Keep the extension last: some writers (a browser's screenshot) choose the format by it.
        let dot = name.lastIndex(of: ".").map { name.distance(from: name.startIndex, to: $0) }
        let suffix = dot.map { String(name.dropFirst($0)) }.flatMap { $0.count > 1 && $0.count <= 8 ? $0 : nil } ?? ""
        var template = Array((directory + "." + name.prefix(100) + ".tmp-XXXXXX" + suffix).utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(suffix.utf8.count)) }
        guard descriptor >= 0 else { throw failure("creating a temporary file for", path) }
        let temporary = AtomicFile.string(template)
        _ = fchmod(descriptor, 0o666 & ~currentUmask())
        return (descriptor, temporary)
    }

    /// Renames a finished temporary file over `path` and flushes the
    /// directory, so the new name survives a power cut.
    /// - Throws: ``LedgerError`` `.failure`, or `.badInput` when `path` is (by
    ///   now) something other than a regular file (see
    ///   ``refusal(toWrite:ledger:inputs:)``); the temporary file is removed.
    public static func commit(_ temporary: String, to path: String) throws {
        if let why = kindRefusal(path) {
            unlink(temporary)
            throw LedgerError.invalid(nil, "\(TextRules.printable(path)) \(why); no file was written")
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("renaming the finished file to", path)
            unlink(temporary)
            throw error
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let handle = open(directory, O_RDONLY)
        if handle >= 0 {
            _ = fsync(handle)
            close(handle)
        }
    }

    /// True when both paths name the same existing file (through links too),
    /// so a write to one would destroy the other.
    public static func isSameFile(_ a: String, as b: String) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// The process's umask, read without changing it where the system allows.
    static func currentUmask() -> mode_t {
        #if os(Linux)
        if let status = fopen("/proc/self/status", "r") {
            defer { fclose(status) }
            var line = [CChar](repeating: 0, count: 256)
            while fgets(&line, Int32(line.count), status) != nil {
                let text = AtomicFile.string(line)
                if text.hasPrefix("Umask:") {
                    let digits = text.dropFirst(6).filter { $0 >= "0" && $0 <= "7" }
                    if let value = mode_t(digits, radix: 8) { return value }
                }
            }
        }
        #endif
        let mask = umask(0o022)
        umask(mask)
        return mask
    }

    /// The text of a NUL-terminated C buffer.
    static func string(_ buffer: [CChar]) -> String { String(nulTerminated: buffer) }

    static func failure(_ doing: String, _ path: String) -> LedgerError {
        LedgerError.writing(path, doing: doing, code: errno, then: "; no file was written")
    }
}
