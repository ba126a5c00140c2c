#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AccordLedger

/// The one check every output file goes through before anything is written
/// to it (`--out`, `--pdf`, `--rejects`, `checkpoint --out`, key files).
extension AtomicFile {
    /// The SQLite files beside a ledger: a write to any of them would destroy it.
    public static let ledgerCompanions = ["", "-wal", "-shm", "-journal"]

    /// Why `path` must not be written, as the end of a sentence that starts
    /// with the path ("is a symbolic link; …"), or nil when it may be.
    ///
    /// Refused: the ledger and its `-wal`, `-shm` and `-journal` files, by
    /// name (even when they do not exist) and by identity (a hard link or
    /// another spelling of the path); any of `inputs`; and an existing path
    /// that is a symbolic link (even to a regular file: renaming over it would
    /// replace the link, writing through it would change its target) or not a
    /// regular file (a directory, a device such as /dev/null, a FIFO, a socket).
    public static func refusal(toWrite path: String, ledger: String? = nil, inputs: [String] = []) -> String? {
        if let ledger {
            for suffix in ledgerCompanions where names(path, ledger + suffix) {
                let which = suffix.isEmpty ? "the ledger" : "the ledger's \(suffix.dropFirst()) file"
                return "is \(which) (\(ledger + suffix)); choose another file"
            }
        }
        for input in inputs where input != "-" && names(path, input) {
            return "is the file being read; choose another file"
        }
        return kindRefusal(path)
    }

    /// True when `a` and `b` are the same path, the same directory entry, or the same file.
    private static func names(_ a: String, _ b: String) -> Bool {
        a == b || isSameEntry(a, as: b) || isSameFile(a, as: b)
    }

    /// Why an existing `path` is not a regular file that may be replaced, or nil.
    static func kindRefusal(_ path: String) -> String? { FileKind.refusal(path) }

    /// True when `a` and `b` name the same directory entry: the same name in
    /// the same directory, whether or not the file exists (`./x-wal` and `x-wal`).
    static func isSameEntry(_ a: String, as b: String) -> Bool {
        let (dirA, nameA) = split(a), (dirB, nameB) = split(b)
        guard nameA == nameB, !nameA.isEmpty, nameA != ".", nameA != ".." else { return false }
        var first = stat(), second = stat()
        guard stat(dirA, &first) == 0, stat(dirB, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// A path's directory ("." when it has none) and last component.
    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }
}
