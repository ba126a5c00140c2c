import Dispatch
import Hummingbird
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A request body written to a temporary file as it arrives, so that an
/// import of any size up to the cap never sits in memory, and the ledger's
/// writer is not held while a slow client uploads: the import starts once
/// the last byte is on disk.
///
/// The file is made in the scratch directory and unlinked at once: only its
/// descriptor names it, so it is gone when the upload is released, whatever
/// happens to the request or the process.
public final class SpooledUpload: @unchecked Sendable {
    /// The open file, positioned at its start once spooled. Read by one
    /// import at a time (the ledger's writer): that is what makes the class Sendable.
    let descriptor: Int32
    /// The body's size in bytes.
    public private(set) var size = 0
    /// File writes run here, off Swift's cooperative threads.
    private let queue = DispatchQueue(label: "accord.upload")
    /// Bytes gathered before each write to the file.
    static let chunkBytes = 1 << 20

    private init(directory: String) throws {
        var template = Array("\(directory)/accord-upload-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw Problem(.failure, "cannot make a scratch file in \(directory) for the upload: \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Writes `body` to a new scratch file in `directory`, refusing it as
    /// soon as it passes `limit` bytes.
    /// - Throws: ``Problem`` `.tooLarge` past the limit; `.failure` when the
    ///   file cannot be made or written (a full disk); `.malformed` when the
    ///   body ends early or its framing is broken (``Problem/unreadableBody(_:)``).
    static func spool(_ body: some AsyncSequence<ByteBuffer, any Error>, limit: Int, directory: String) async throws -> SpooledUpload {
        let upload = try SpooledUpload(directory: directory)
        var pending: [UInt8] = []
        pending.reserveCapacity(chunkBytes)
        var chunks = body.makeAsyncIterator()
        while true {
            let next: ByteBuffer?
            do {
                next = try await chunks.next()
            } catch {
                throw Problem.unreadableBody(error)
            }
            guard let buffer = next else { break }
            upload.size += buffer.readableBytes
            guard upload.size <= limit else {
                throw Problem(.tooLarge, "the body is larger than \(limit) bytes, the most this route accepts")
            }
            pending.append(contentsOf: buffer.readableBytesView)
            if pending.count >= chunkBytes {
                try await upload.append(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        try await upload.append(pending)
        guard lseek(upload.descriptor, 0, SEEK_SET) == 0 else {
            throw Problem(.failure, "cannot read back the upload: \(String(cString: strerror(errno)))")
        }
        return upload
    }

    /// Appends `bytes` to the file on the upload's own queue.
    private func append(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        let descriptor = self.descriptor
        let failure: Int32? = await withCheckedContinuation { continuation in
            queue.async {
                var offset = 0
                while offset < bytes.count {
                    let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else {
                        continuation.resume(returning: written < 0 ? errno : ENOSPC)
                        return
                    }
                    offset += written
                }
                continuation.resume(returning: nil)
            }
        }
        if let failure {
            throw Problem(.failure, "cannot write the upload to a scratch file: \(String(cString: strerror(failure)))")
        }
    }
}
