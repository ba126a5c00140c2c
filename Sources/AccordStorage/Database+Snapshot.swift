#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies a file's content without reading it: device, inode, size,
/// and modification and change times (to the nanosecond where the system keeps them).
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: [Int]
    let changed: [Int]

    /// The identity of the file at `path`, or nil when it cannot be read.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modified = [info.st_mtimespec.tv_sec, info.st_mtimespec.tv_nsec]
        changed = [info.st_ctimespec.tv_sec, info.st_ctimespec.tv_nsec]
        #else
        modified = [info.st_mtim.tv_sec, info.st_mtim.tv_nsec]
        changed = [info.st_ctim.tv_sec, info.st_ctim.tv_nsec]
        #endif
    }
}

extension Database {
    /// True when no connection appears to have the database open: no `-wal`,
    /// `-shm` or hot `-journal` file beside it. Its content is then all in the file.
    static func isQuiescent(_ path: String) -> Bool {
        ["-wal", "-shm", "-journal"].allSatisfy { access(path + $0, F_OK) != 0 }
    }

    /// `file:PATH?immutable=1` with the path percent-encoded; nil for a name
    /// that is already a URI. See https://www.sqlite.org/uri.html
    static func immutableURI(_ path: String) -> String? {
        guard !path.hasPrefix("file:") else { return nil }
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.append(byte)
            default:
                encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            }
        }
        // An absolute path gets an empty authority, so "//x" stays a path.
        let prefix = path.hasPrefix("/") ? "file://" : "file:"
        return prefix + String(decoding: encoded, as: UTF8.self) + "?immutable=1"
    }
}

extension Database {
    /// How to open another connection to a database's file for reading, set
    /// up as the first one was: for work on another thread, since a connection
    /// serves one thread at a time. It opens the file as ``Mode/snapshot``
    /// does (an immutable snapshot while no other connection has it open, an
    /// ordinary read-only connection otherwise).
    ///
    /// Two connections need not see the same state of the file: another
    /// process may write between their read transactions. Whoever splits a
    /// read between them must check that both read the same state.
    public struct ReadOpener: Sendable {
        /// The file both connections read.
        public let path: String
        let configuration: Configuration

        /// How long the connection waits for a lock held elsewhere, in all: a
        /// moment (a reader of a WAL file waits only while another connection
        /// recovers the WAL or holds the file exclusively), not the first
        /// connection's wait: the caller reads without it when it fails (a
        /// process holding the file exclusively made a report wait for the
        /// second connection as long as for a writer).
        public static let lockWaitMilliseconds = 50

        /// A new connection to the file, never written through, that prints
        /// no notice of waiting and waits for a lock at most ``lockWaitMilliseconds``.
        /// - Throws: ``StorageError`` as ``Database/init(path:mode:configuration:)`` does.
        public func open() throws -> Database {
            var configuration = configuration
            configuration.lockWaitMilliseconds = min(configuration.lockWaitMilliseconds, Self.lockWaitMilliseconds)
            configuration.onLockWait = nil
            return try Database(path: path, mode: .snapshot, configuration: configuration)
        }
    }

    /// How to open another connection to this file for reading; nil for an
    /// in-memory database, which no other connection can see.
    public var readOpener: ReadOpener? {
        path == ":memory:" || path.isEmpty || path.hasPrefix("file:") ? nil : ReadOpener(path: path, configuration: configuration)
    }
}
