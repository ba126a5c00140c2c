import AccordStorage
import AccordTrust
import Crypto
import Foundation
@testable import AccordFiles
@testable import AccordLedger

/// What someone with write access to a ledger file can do to it: raw SQL
/// through the sqlite3 shell, and, for the careful attacker, the library's
/// own types to recompute every hash, link, Merkle node and projection.
enum Attacker {
    struct ShellFailed: Error, CustomStringConvertible {
        let sql: String
        let status: Int32
        let stderr: String
        var description: String { "sqlite3 exited \(status): \(stderr)\nSQL: \(sql.prefix(400))" }
    }

    /// Runs SQL with the sqlite3 shell (stopping at the first error), returning its output lines.
    @discardableResult
    static func sql(_ path: String, _ script: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-bail", "-batch", path]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: err, as: UTF8.self)
        guard process.terminationStatus == 0, stderr.isEmpty else {
            throw ShellFailed(sql: script, status: process.terminationStatus, stderr: stderr)
        }
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Runs `script` with the named triggers dropped, then re-creates them
    /// with their original SQL, so the schema looks untouched afterwards.
    static func sql(_ path: String, liftingGuards triggers: [String], _ script: String) throws {
        var restore: [String] = []
        for trigger in triggers {
            // Read as hex: the SQL spans lines, and must come back byte for byte.
            let created = try sql(path, "SELECT hex(sql) FROM sqlite_master WHERE type = 'trigger' AND name = '\(trigger)';")
            guard let text = created.first else { throw ShellFailed(sql: trigger, status: -1, stderr: "no trigger \(trigger)") }
            restore.append(String(decoding: unhex(text), as: UTF8.self) + ";")
        }
        let drops = triggers.map { "DROP TRIGGER \($0);" }.joined(separator: "\n")
        try sql(path, "BEGIN;\n\(drops)\n\(script)\n\(restore.joined(separator: "\n"))\nCOMMIT;")
    }

    /// Hides rows of `table` from every query that reads it through `index`:
    /// builds a partial index on `columns` that leaves out the rows `hidden`
    /// selects, swaps its root page with the real index's (`PRAGMA
    /// writable_schema`), then drops the copy, which now holds the real pages.
    /// The schema text is untouched; only `rootpage` moved.
    static func hide(_ path: String, in table: String, behind index: String, columns: String, unique: Bool = true,
                     where hidden: String) throws {
        try sql(path, """
            CREATE \(unique ? "UNIQUE " : "")INDEX hiding ON \(table) (\(columns)) WHERE NOT (\(hidden));
            CREATE TEMP TABLE roots AS SELECT name, rootpage FROM sqlite_schema WHERE name IN ('hiding', '\(index)');
            PRAGMA writable_schema = ON;
            UPDATE sqlite_schema AS s SET rootpage = (SELECT rootpage FROM temp.roots r WHERE r.name <> s.name)
                WHERE name IN ('hiding', '\(index)');
            PRAGMA writable_schema = OFF;
            """)
        // A new connection reads the swapped schema.
        try sql(path, "DROP INDEX hiding;")
    }

    /// The journal's append-only guards.
    static let journalGuards = ["journal_no_update", "journal_no_delete"]

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }

    static func unhex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// The stored bytes of entry `seq`.
    static func entryBytes(_ path: String, _ seq: Int64) throws -> [UInt8] {
        unhex(try sql(path, "SELECT hex(entry) FROM journal WHERE seq = \(seq);").first ?? "")
    }

    static func leafHash(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: [0x00] + bytes)) }

    /// Replaces entry `seq`'s bytes in place (the journal stores no leaf hash
    /// to recompute beside them).
    static func replaceEntry(_ path: String, _ seq: Int64, with bytes: [UInt8]) throws {
        try sql(path, liftingGuards: ["journal_no_update"], "UPDATE journal SET entry = X'\(hex(bytes))' WHERE seq = \(seq);")
    }

    /// An Ed25519 signature by the key in a private key file.
    static func sign(_ bytes: [UInt8], keyFile: String) throws -> [UInt8] {
        try KeySigner(path: keyFile).sign(bytes)
    }

    // MARK: The careful attacker

    /// Signs as the entry's original signer would have, when the attacker holds that key;
    /// otherwise copies the old signature (which then no longer verifies).
    struct ReplaySigner: EntrySigner {
        let keyName: String
        let key: KeySigner?
        let stale: [UInt8]
        func sign(_ bytes: [UInt8]) throws -> [UInt8] { try key?.sign(bytes) ?? stale }
    }

    /// Writes to `target` the ledger at `source` as an attacker would rewrite it:
    /// entries before `from` copied byte for byte, then each later entry passed
    /// through `change` (nil drops it, ending the journal there) and re-appended
    /// by the library's JournalWriter, which recomputes every previous hash,
    /// leaf hash, Merkle node, the frontier, the projections and the state root
    /// (on the last entry). Signed entries are re-signed with the keys in
    /// `keys` (name → private key file) and keep their stale signature
    /// otherwise. Stored checkpoints are copied when `keepCheckpoint` says so.
    static func rewrite(_ source: String, to target: String, from: Int64, keys: [String: String] = [:],
                        keepCheckpoint: (Int64) -> Bool, change: (Entry) -> Entry? = { $0 }) throws {
        var rows: [(entry: Entry, signature: [UInt8]?)] = []
        var checkpoints: [(size: Int64, root: [UInt8], key: String, note: String, signedAt: String)] = []
        do {
            let old = try Database(path: source, mode: .readOnly, configuration: Ledger.configuration)
            try old.read { db in
                try db.forEach("SELECT entry, signature FROM journal ORDER BY seq") { row in
                    rows.append((try Entry.decode(row.blob(0)), row.isNull(1) ? nil : row.blob(1)))
                }
                try db.forEach("SELECT size, root, key_name, note, signed_at FROM checkpoints ORDER BY size") { row in
                    checkpoints.append((row.int64(0), row.blob(1), row.text(2), row.text(3), row.text(4)))
                }
            }
        }
        let signers = try keys.mapValues { try KeySigner(path: $0) }
        let db = try Database(path: target, mode: .create, configuration: Ledger.configuration)
        try Ledger.migrator.migrate(db, now: { "2025-01-01T00:00:00.000Z" })
        try db.write { db in
            let writer = try JournalWriter(db: db, rebuilding: true)
            for (original, signature) in rows {
                let entry: Entry
                if original.seq < from {
                    entry = original
                } else if let changed = change(original) {
                    entry = changed
                } else {
                    break
                }
                if original.seq < from {
                    try writer.appendVerbatim(original, bytes: original.encoded(), signature: signature)
                    continue
                }
                let signer = entry.signer.map { name in
                    ReplaySigner(keyName: name, key: signers[name], stale: signature ?? [UInt8](repeating: 0, count: 64))
                }
                try writer.append(entry.payload, actor: entry.actor, signer: signer, at: entry.recordedAt, clock: entry.clock)
            }
            try writer.finish()
            for checkpoint in checkpoints where keepCheckpoint(checkpoint.size) {
                try db.run("INSERT INTO checkpoints (size, root, key_name, note, signed_at) VALUES (?, ?, ?, ?, ?)",
                           checkpoint.size, checkpoint.root, checkpoint.key, checkpoint.note, checkpoint.signedAt)
            }
        }
    }

    /// Writes to `target` the ledger at `source` cut after entry `kept`, as a
    /// careful attacker would: entry `kept` re-appended so that it carries the
    /// state root every write's last entry has.
    static func cut(_ source: String, to target: String, keeping kept: Int64, keepCheckpoint: (Int64) -> Bool) throws {
        try rewrite(source, to: target, from: kept, keepCheckpoint: keepCheckpoint) { $0.seq == kept ? $0 : nil }
    }
}
