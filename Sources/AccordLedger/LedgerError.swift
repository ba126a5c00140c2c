import AccordStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error from the ledger, printed as one sentence that says what was wrong
/// and what to do.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    /// The class of the error; the command line maps each to an exit code.
    public enum Code: Sendable, Equatable {
        /// The input data was wrong (an unknown id, an invalid date, ...).
        case badInput
        /// There is no ledger at the path, or the file is not one.
        case notALedger
        /// Another writer held the ledger through every retry.
        case busy
        /// `accord audit` found tampering or an inconsistency.
        case tampered
        /// The file is damaged at the storage level.
        case corrupt
        /// A signature cannot be checked (unknown key).
        case unverifiable
        /// Anything else: an I/O failure, a full disk, a bug.
        case failure
    }

    public let code: Code
    public let message: String
    /// For an id already recorded with other content: what differs and where.
    public var conflict: IDConflict?

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Bad input: an id already recorded with other content.
    init(conflict: IDConflict) {
        self.init(.badInput, conflict.message(at: "entry \(conflict.seq)"))
        self.conflict = conflict
    }

    /// Bad input data, with what was wrong and where.
    public static func badInput(_ message: String) -> LedgerError { LedgerError(.badInput, message) }

    public var description: String { message }
}

extension LedgerError {
    /// Translates a storage error into the ledger's vocabulary.
    init(storage error: StorageError) {
        let path = error.path ?? "the ledger"
        switch error.code {
        case .missingFile:
            // Name the path: `accord init` alone would create ./accord.sqlite, not the file asked for.
            self.init(.notALedger, "no ledger at \(path); create one with `accord init --db \(path)`, or give --db the path of an existing ledger")
        case .notADatabase, .foreignDatabase:
            self.init(.notALedger, "\(error.message); it is not an Accord ledger, so it was left untouched")
        case .schemaTooNew:
            self.init(.notALedger, error.message)
        case .migrationModified:
            self.init(.notALedger, "\(error.message), or the file's record of it was altered (`accord audit --db \(path)` examines it)")
        case .sqliteTooOld:
            self.init(.failure, error.message)
        case .busy:
            self.init(.busy, "\(error.message); try again when the other writer has finished")
        case .invalidMigration:
            self.init(.failure, error.message)
        case .sqlite(let result):
            if error.isDiskFull {
                self.init(.failure, "the disk holding \(path) is full (\(error.message)); nothing was written; free some space and try again")
            } else if ResultCode.corrupt ~= result || ResultCode.notADatabase ~= result {
                self.init(.corrupt, "\(path) is damaged (\(error.message)); run `accord audit` and restore from a copy")
            } else if ResultCode.busy ~= result || ResultCode.locked ~= result {
                self.init(.busy, "\(path) is locked by another writer (\(error.message)); try again")
            } else if ResultCode.readOnly ~= result {
                self.init(.failure, "\(path) cannot be written (\(error.message)); check its permissions")
            } else if ResultCode.cannotOpen ~= result {
                self.init(.notALedger, "\(error.message); check the path and its permissions")
            } else if ResultCode.ioError ~= result {
                self.init(.failure, "reading or writing \(path) failed (\(error.message)); nothing was written")
            } else {
                self.init(.failure, error.description)
            }
        }
    }

    /// Runs `body`, translating storage errors into ledger errors.
    static func translating<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StorageError {
            throw LedgerError(storage: error)
        }
    }
}

extension LedgerError {
    /// Why a file the user named could not be written: a path that cannot be a
    /// file (no such folder, a directory, a name too long, no permission) is
    /// bad input; anything else (a full disk, an I/O error) is a failure.
    static func writing(_ path: String, doing: String = "cannot write", code: Int32, then: String = "") -> LedgerError {
        let reason = String(cString: strerror(code))
        let shown = TextRules.printable(path, limit: 200)
        switch code {
        case ENOENT, ENOTDIR, EISDIR, ENAMETOOLONG, EACCES, EPERM, ELOOP, EROFS, EINVAL, EEXIST:
            return LedgerError.badInput("\(doing) \(shown): \(reason)\(then); choose another path")
        case ENOSPC, EDQUOT:
            return LedgerError(.failure, "\(doing) \(shown): the disk is full\(then); free some space and try again")
        default:
            return LedgerError(.failure, "\(doing) \(shown): \(reason)\(then)")
        }
    }
}
