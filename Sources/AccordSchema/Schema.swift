import AccordStorage
import Crypto

/// One migration file as carried inside the binary.
public struct EmbeddedMigration: Sendable {
    public let version: Int
    public let name: String
    public let fileName: String
    public let sql: String

    public init(version: Int, name: String, fileName: String, sql: String) {
        self.version = version
        self.name = name
        self.fileName = fileName
        self.sql = sql
    }

    /// The lowercase hex SHA-256 of the file's bytes.
    public var checksum: String {
        SHA256.hash(data: Array(sql.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// The Accord ledger schema: the migrations carried in this build.
public enum Schema {
    /// `PRAGMA application_id` of every Accord ledger: "ACRD" in ASCII.
    public static let applicationID: Int32 = 0x4143_5244

    /// The carried migrations, ready for a ``Migrator``.
    public static let migrations: [Migration] =
        embedded.map { Migration(version: $0.version, name: $0.name, sql: $0.sql, checksum: $0.checksum) }

    /// The newest schema version this build knows.
    public static var latestVersion: Int { embedded.last?.version ?? 0 }
}
