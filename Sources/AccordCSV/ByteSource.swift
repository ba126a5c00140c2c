#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only stream of bytes read in large chunks from a file, a pipe or standard input.
///
/// `ByteSource` calls `read(2)` into one buffer that it allocates once, so memory stays flat
/// whatever the size of the input. It counts the bytes it has handed out and, for a regular
/// file, knows the total size, which is what a progress bar needs:
///
/// ```swift
/// let source = try ByteSource(path: "batch.csv")   // "-" reads standard input
/// let reader = CSVReader(source: source)
/// while let record = try reader.next() {
///     if let fraction = source.fractionRead { showProgress(fraction) }
///     …
/// }
/// ```
///
/// A `ByteSource` is not `Sendable`: use it from one task or thread at a time.
public final class ByteSource {
    /// The default chunk size, 256 KiB.
    public static let defaultChunkSize = 256 * 1024

    /// What the source reads from.
    private enum Backing {
        case descriptor(Int32, closesOnDeinit: Bool)
        case memory([UInt8], offset: Int)
    }

    private var backing: Backing
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var atEnd = false

    /// A name for the input, used in messages: the path, `"-"` for standard input.
    public let name: String

    /// The size of the input in bytes when it is known in advance (a regular file, or bytes in
    /// memory); `nil` for a pipe, a terminal or standard input that is not a regular file.
    public let totalBytes: Int?

    /// The number of bytes handed out so far by ``nextChunk()``.
    public private(set) var bytesRead = 0

    /// The largest number of bytes one call to ``nextChunk()`` returns.
    public var chunkSize: Int { buffer.count }

    /// The fraction of the input read so far, between 0 and 1, when ``totalBytes`` is known.
    ///
    /// A file that grows while it is read can go past 1; the value is clamped.
    public var fractionRead: Double? {
        guard let totalBytes else { return nil }
        guard totalBytes > 0 else { return 1 }
        return min(1, Double(bytesRead) / Double(totalBytes))
    }

    /// Opens a file for reading; the path `"-"` means standard input.
    ///
    /// - Parameters:
    ///   - path: The file to read, or `"-"` for standard input (which is not closed afterwards).
    ///   - chunkSize: How many bytes to ask `read(2)` for at a time; at least 1.
    /// - Throws: ``ByteSourceError`` when the file cannot be opened or is a directory.
    public convenience init(path: String, chunkSize: Int = ByteSource.defaultChunkSize) throws {
        if path == "-" {
            try self.init(fileDescriptor: STDIN_FILENO, closesOnDeinit: false, name: "-", chunkSize: chunkSize)
            return
        }
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            throw ByteSourceError(name: path, operation: .open, errorNumber: errno)
        }
        try self.init(fileDescriptor: descriptor, closesOnDeinit: true, name: path, chunkSize: chunkSize)
    }

    /// Reads from a descriptor that is already open: a pipe, a socket, a file.
    ///
    /// - Parameters:
    ///   - fileDescriptor: The descriptor to read from, from its current offset.
    ///   - closesOnDeinit: Whether the source closes the descriptor when it is deallocated.
    ///   - name: A name for messages.
    ///   - chunkSize: How many bytes to ask `read(2)` for at a time; at least 1.
    /// - Throws: ``ByteSourceError`` when the descriptor is a directory or cannot be examined.
    ///   If it throws, a descriptor that the source was to close is closed.
    public init(
        fileDescriptor: Int32,
        closesOnDeinit: Bool,
        name: String = "-",
        chunkSize: Int = ByteSource.defaultChunkSize
    ) throws {
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0 else {
            let error = ByteSourceError(name: name, operation: .stat, errorNumber: errno)
            if closesOnDeinit { close(fileDescriptor) }
            throw error
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR {
            if closesOnDeinit { close(fileDescriptor) }
            throw ByteSourceError(name: name, operation: .read, errorNumber: EISDIR)
        }
        if type == S_IFREG {
            // What is left from the current offset (a descriptor may have been read from already).
            let offset = lseek(fileDescriptor, 0, SEEK_CUR)
            totalBytes = max(0, Int(info.st_size) - (offset > 0 ? Int(offset) : 0))
            #if os(Linux)
            _ = posix_fadvise(fileDescriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
            #endif
        } else {
            totalBytes = nil
        }
        self.name = name
        backing = .descriptor(fileDescriptor, closesOnDeinit: closesOnDeinit)
        buffer = .allocate(capacity: max(1, chunkSize))
    }

    /// Serves bytes held in memory, in chunks of `chunkSize`, as a file would.
    ///
    /// Handy for tests and for input that is already in memory.
    public init(bytes: some Sequence<UInt8>, name: String = "<memory>", chunkSize: Int = ByteSource.defaultChunkSize) {
        let array = Array(bytes)
        self.name = name
        totalBytes = array.count
        backing = .memory(array, offset: 0)
        buffer = .allocate(capacity: max(1, chunkSize))
    }

    deinit {
        if case .descriptor(let descriptor, closesOnDeinit: true) = backing {
            close(descriptor)
        }
        buffer.deallocate()
    }

    /// Reads the next chunk.
    ///
    /// The returned bytes live in the source's own buffer and stay valid only until the next
    /// call; copy what must outlive it. An empty buffer means the end of the input, and every
    /// later call returns an empty buffer too.
    ///
    /// - Throws: ``ByteSourceError`` when `read(2)` fails (an interrupted call is retried).
    public func nextChunk() throws -> UnsafeBufferPointer<UInt8> {
        guard !atEnd, let base = buffer.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        let count: Int
        switch backing {
        case .descriptor(let descriptor, _):
            var result: Int
            repeat {
                result = read(descriptor, base, buffer.count)
            } while result < 0 && errno == EINTR
            guard result >= 0 else {
                throw ByteSourceError(name: name, operation: .read, errorNumber: errno)
            }
            count = result
        case .memory(let bytes, let offset):
            count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBufferPointer { source in
                if let from = source.baseAddress, count > 0 {
                    base.update(from: from + offset, count: count)
                }
            }
            backing = .memory(bytes, offset: offset + count)
        }
        if count == 0 { atEnd = true }
        bytesRead += count
        return UnsafeBufferPointer(start: base, count: count)
    }
}
