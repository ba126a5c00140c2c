import AccordStorage
import Crypto

/// One migration file as carried inside the binary.
public struct EmbeddedMigration: Sendable {
    /// The migration's number (its file name's prefix: `0003` is 3).
    public let version: Int
    /// Its snake_case name, from the file name.
    public let name: String
    /// The file it was carried from (`0003_breaches.sql`).
    public let fileName: String
    /// The SQL text, exactly as in the file.
    public let sql: String
    /// The lowercase hex SHA-256 of the file's bytes, computed when the
    /// binary was built (hashing every migration at each start cost more than
    /// the rest of opening a ledger; a test compares it with `sha256sum`).
    public let checksum: String

    /// A migration as the build plugin embeds it.
    public init(version: Int, name: String, fileName: String, sql: String, checksum: String) {
        self.version = version
        self.name = name
        self.fileName = fileName
        self.sql = sql
        self.checksum = checksum
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
