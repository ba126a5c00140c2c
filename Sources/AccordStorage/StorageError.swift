import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A SQLite result code, extended where SQLite gave one.
///
/// Match a primary code against any of its extended codes with `~=`, e.g.
/// `case .busy = error.resultCode` matches `SQLITE_BUSY_SNAPSHOT` too.
/// See https://www.sqlite.org/rescode.html
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// SQLite's primary result code (the low byte of an extended code).
    public let rawValue: Int32
    /// The result code `rawValue` (`SQLITE_BUSY` …).
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The primary code (the low 8 bits of an extended code).
    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xff) }

    /// `SQLITE_ERROR`: a generic error (often bad SQL).
    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    /// `SQLITE_BUSY`: another connection holds the lock.
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    /// `SQLITE_LOCKED`: a conflict inside this connection (or its shared cache).
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    /// `SQLITE_READONLY`: a write on a read-only connection or file.
    public static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
    /// `SQLITE_IOERR`: the operating system refused a read or write.
    public static let ioError = ResultCode(rawValue: SQLITE_IOERR)
    /// `SQLITE_CORRUPT`: the file's structure is damaged.
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    /// `SQLITE_FULL`: the disk (or the database's size limit) is full.
    public static let full = ResultCode(rawValue: SQLITE_FULL)
    /// `SQLITE_CANTOPEN`: the file could not be opened.
    public static let cannotOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    /// `SQLITE_CONSTRAINT`: a CHECK, UNIQUE, NOT NULL or foreign key constraint refused a row.
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    /// `SQLITE_NOTADB`: the file is not a SQLite database.
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    /// `SQLITE_TOOBIG`: a string or blob is larger than SQLite allows.
    public static let tooBig = ResultCode(rawValue: SQLITE_TOOBIG)
    /// `SQLITE_NOMEM`: SQLite could not allocate memory.
    public static let noMemory = ResultCode(rawValue: SQLITE_NOMEM)
    /// `SQLITE_INTERRUPT`: the operation was interrupted.
    public static let interrupt = ResultCode(rawValue: SQLITE_INTERRUPT)
    /// `SQLITE_RANGE`: a parameter index out of range (too many or too few arguments).
    public static let range = ResultCode(rawValue: SQLITE_RANGE)

    /// True when `code` is this code, or an extended code of this primary code.
    public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern.rawValue == code.rawValue
            || (pattern.rawValue == pattern.primary.rawValue && pattern.rawValue == code.primary.rawValue)
    }

    /// The code's name and number (`SQLITE_BUSY (5)`).
    public var description: String {
        let name = String(cString: sqlite3_errstr(rawValue))
        return "\(name) (\(rawValue))"
    }
}

/// An error from the storage layer.
///
/// It carries SQLite's extended result code, SQLite's message and the SQL text
/// being run, and never the values bound to it (they may be personal data).
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in a form callers can switch over.
    public enum Code: Sendable, Equatable {
        /// SQLite returned this result code.
        case sqlite(ResultCode)
        /// The database file does not exist (and was not to be created).
        case missingFile
        /// The file exists but is not a SQLite database.
        case notADatabase
        /// A SQLite database that belongs to another application.
        case foreignDatabase
        /// The system SQLite library is older than the schema needs.
        case sqliteTooOld
        /// The write lock stayed taken through every retry.
        case busy
        /// The database was migrated by a newer build than this one.
        case schemaTooNew
        /// An applied migration differs from the one this build carries.
        case migrationModified
        /// A migration this build carries is malformed.
        case invalidMigration
    }

    /// What failed: a SQLite result code or one of the checks made around SQLite.
    public let code: Code
    /// SQLite's message, or ours for the non-SQLite codes.
    public let message: String
    /// The SQL being run, if any.
    public let sql: String?
    /// The database file, if known.
    public let path: String?
    /// The operating system's error number behind an I/O error, when SQLite
    /// kept one (`sqlite3_system_errno`).
    public let systemErrno: Int32?

    /// An error from its parts; `sql`, `path` and `systemErrno` when known.
    public init(code: Code, message: String, sql: String? = nil, path: String? = nil, systemErrno: Int32? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.path = path
        self.systemErrno = systemErrno
    }

    /// True when the disk (or the quota) is full: SQLITE_FULL, or an I/O error
    /// whose system error is ENOSPC or EDQUOT (SQLite reports a -shm file it
    /// cannot grow as SQLITE_IOERR_SHMSIZE, for instance).
    public var isDiskFull: Bool {
        guard let resultCode else { return false }
        if ResultCode.full ~= resultCode { return true }
        guard ResultCode.ioError ~= resultCode || ResultCode.cannotOpen ~= resultCode, let systemErrno else { return false }
        return systemErrno == ENOSPC || systemErrno == EDQUOT
    }

    /// The SQLite result code, when SQLite produced the error.
    public var resultCode: ResultCode? {
        if case .sqlite(let code) = code { return code }
        return nil
    }

    /// True for SQLITE_BUSY (and its extended codes) and for exhausted retries.
    public var isBusy: Bool {
        switch code {
        case .busy: return true
        case .sqlite(let result): return ResultCode.busy ~= result
        default: return false
        }
    }

    /// The message, then the result code and the SQL being run when known.
    public var description: String {
        var text = message
        if let resultCode { text += " [\(resultCode)]" }
        if let sql { text += " while running: \(sql)" }
        return text
    }
}
