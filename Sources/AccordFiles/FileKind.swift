#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a path the caller named may be written: only a new or regular
/// file, never through a link (every output file of a front end, through
/// `AtomicFile` or, for an import's rejects, `RejectsFiles`).
package enum FileKind {
    /// Why an existing `path` is not a regular file that may be replaced, or nil.
    package static func refusal(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFLNK: kind = "a symbolic link"
        case S_IFDIR: kind = "a directory"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        return "is \(kind), not a regular file; Accord writes only regular files and never through a link, "
            + "so it was left alone: give the path of a new or regular file"
    }
}
