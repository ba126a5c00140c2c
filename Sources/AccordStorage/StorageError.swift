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
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The primary code (the low 8 bits of an extended code).
    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xff) }

    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    public static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
    public static let ioError = ResultCode(rawValue: SQLITE_IOERR)
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    public static let full = ResultCode(rawValue: SQLITE_FULL)
    public static let cannotOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    public static let tooBig = ResultCode(rawValue: SQLITE_TOOBIG)
    public static let noMemory = ResultCode(rawValue: SQLITE_NOMEM)
    public static let interrupt = ResultCode(rawValue: SQLITE_INTERRUPT)
    public static let range = ResultCode(rawValue: SQLITE_RANGE)

    /// True when `code` is this code, or an extended code of this primary code.
    public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern.rawValue == code.rawValue
            || (pattern.rawValue == pattern.primary.rawValue && pattern.rawValue == code.primary.rawValue)
    }

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

    public var description: String {
        var text = message
        if let resultCode { text += " [\(resultCode)]" }
        if let sql { text += " while running: \(sql)" }
        return text
    }
}
