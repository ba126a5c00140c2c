import AccordStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LedgerError {
    /// Translates a storage error into the ledger's vocabulary.
    init(storage error: StorageError) {
        let path = error.path ?? "the ledger"
        switch error.code {
        case .missingFile:
            // Name the path: a new ledger made elsewhere would not be the file asked for.
            self.init(.notALedger(.missing), "no ledger at \(path)", hint: .createLedger(path))
        case .notADatabase:
            self.init(.notALedger(.notADatabase), "\(error.message); it is not an Accord ledger, so it was left untouched")
        case .foreignDatabase:
            self.init(.notALedger(.foreign), "\(error.message); it is not an Accord ledger, so it was left untouched")
        case .schemaTooNew:
            self.init(.notALedger(.schemaVersion), "\(error.message)")
        case .migrationModified:
            self.init(.notALedger(.migrationEdited), "\(error.message), or the file's record of it was altered",
                      hint: .auditExamines(path))
        case .sqliteTooOld:
            self.init(.failure, "\(error.message)")
        case .busy:
            self.init(.busy, "\(error.message); try again when the other writer has finished")
        case .invalidMigration:
            self.init(.failure, "\(error.message)")
        case .sqlite(let result):
            if error.isDiskFull {
                self.init(.io, "the disk holding \(path) is full (\(error.message)); nothing was written; free some space and try again")
            } else if ResultCode.corrupt ~= result || ResultCode.notADatabase ~= result {
                self.init(.corrupt, "\(path) is damaged (\(error.message))", hint: .auditAndRestore)
            } else if ResultCode.busy ~= result || ResultCode.locked ~= result {
                self.init(.busy, "\(path) is locked by another writer (\(error.message)); try again")
            } else if ResultCode.readOnly ~= result {
                self.init(.io, "\(path) cannot be written (\(error.message)); check its permissions")
            } else if ResultCode.cannotOpen ~= result {
                self.init(.notALedger(.unopenable), "\(error.message); check the path and its permissions")
            } else if ResultCode.ioError ~= result {
                self.init(.io, "reading or writing \(path) failed (\(error.message)); nothing was written")
            } else {
                self.init(.failure, "\(error.description)")
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

    /// Why a file the user named could not be written: a path that cannot be a
    /// file (no such folder, a directory, a name too long, no permission) is
    /// invalid input; anything else (a full disk, an I/O error) is an I/O failure.
    package static func writing(_ path: String, doing: String = "cannot write", code: Int32, then: String = "",
                        field: Field? = nil) -> LedgerError {
        let reason = String(cString: strerror(code))
        let shown = TextRules.printable(path, limit: 200)
        switch code {
        case ENOENT, ENOTDIR, EISDIR, ENAMETOOLONG, EACCES, EPERM, ELOOP, EROFS, EINVAL, EEXIST:
            return LedgerError(.invalid(field), "\(doing) \(shown): \(reason)\(then); choose another path")
        case ENOSPC, EDQUOT:
            return LedgerError(.io, "\(doing) \(shown): the disk is full\(then); free some space and try again")
        default:
            return LedgerError(.io, "\(doing) \(shown): \(reason)\(then)")
        }
    }
}
