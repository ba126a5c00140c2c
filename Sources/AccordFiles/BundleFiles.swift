#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AccordCSV
import AccordLedger

/// The files of field ledgers: definitions bundles, push bundles and receipts
/// (JSON documents the engine makes and reads whole), read with a size cap
/// and written atomically.
public enum BundleFiles {
    /// The largest bundle or receipts file read: 256 MiB (a push bundle of
    /// 100,000 entries is a few tens of MiB).
    public static let maxBytes = 256 << 20

    /// Reads the whole of a bundle or receipts file. `what` names it in
    /// errors ("the bundle", "the receipts file").
    /// - Throws: ``LedgerError`` `.invalid` naming the file and why (missing,
    ///   unreadable, a directory, too large, empty).
    public static func read(_ path: String, what: String) throws -> [UInt8] {
        let shown = TextRules.printable(path)
        let source: ByteSource
        do {
            source = try ByteSource(path: path)
        } catch let error as ByteSourceError {
            throw LedgerError.invalid(nil, "\(what) \(shown): \(error)")
        }
        var bytes: [UInt8] = []
        do {
            while true {
                let chunk = try source.nextChunk()
                if chunk.isEmpty { break }
                bytes.append(contentsOf: chunk)
                if bytes.count > maxBytes {
                    throw LedgerError.invalid(nil, "\(what) \(shown) is larger than \(maxBytes >> 20) MiB; is it a bundle?")
                }
            }
        } catch let error as ByteSourceError {
            throw LedgerError.invalid(nil, "\(what) \(shown): \(error)")
        }
        if bytes.isEmpty { throw LedgerError.invalid(nil, "\(what) \(shown) is empty") }
        return bytes
    }

    /// Writes a bundle or receipts document to `path` atomically: the whole
    /// file or, on a failure, none (an existing file is then untouched).
    /// - Throws: ``LedgerError`` `.failure` naming the path and the reason.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let (descriptor, temporary) = try AtomicFile.makeTemporary(near: path)
        var closed = false
        do {
            try AtomicFile.writeAll(descriptor, bytes, path: path)
            guard fsync(descriptor) == 0 else { throw LedgerError.writing(path, code: errno) }
            closed = true
            guard close(descriptor) == 0 else { throw LedgerError.writing(path, code: errno) }
        } catch {
            if !closed { close(descriptor) }
            unlink(temporary)
            throw error
        }
        try AtomicFile.commit(temporary, to: path)
    }

    /// Whether something (a file, a directory, a link) is at `path`.
    public static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }
}
