/// How an import runs.
public struct ImportOptions: Sendable {
    /// The file's format; nil to choose it from the file name (CSV unless `.jsonl`/`.ndjson`).
    public var format: ImportFormat?
    /// Validate every row in a transaction that is rolled back: nothing is written.
    public var dryRun = false
    /// Write the good rows even when some are bad (default: all or nothing).
    public var keepGoing = false
    /// How the file's columns become import columns; empty to read Accord's own.
    public var mapping = ImportMapping()
    /// How many problems ``ImportSummary/issues`` keeps; the rest are only counted.
    public var issueLimit = 50
    /// The row kinds this import may add; nil for all. A row of another kind
    /// ends the import with ``ImportKindRefused`` and nothing is written, even
    /// with ``keepGoing`` (a server gives a monitor's token evidence rows only).
    public var allowedKinds: Set<ImportRowKind>?
    /// Pending running-total keys that trigger a write (tests force small batches).
    var totalsFlushThreshold: Int?
    /// Read and check rows on a second thread, ahead of the writing one
    /// (``ImportReadAhead``); tests compare it with reading inline.
    var readsAhead = true
    /// How a bad row's message names inputs to give and what to do (its
    /// fields are named as the file's columns whatever this says).
    public var phrasing: any Phrasing = PlainPhrasing()

    /// Default options: all or nothing, every row kind, no dry run; set ``format`` (or the mapping's) before importing.
    public init() {}
}

/// A row whose kind the import may not add (``ImportOptions/allowedKinds``):
/// the whole import is refused and nothing is written.
public struct ImportKindRefused: Error, Sendable, CustomStringConvertible {
    /// The row's kind, as the importer read it.
    public var kind: ImportRowKind
    /// The 1-based line the row starts on.
    public var line: Int
    /// The kinds that were allowed.
    public var allowed: Set<ImportRowKind>

    /// `line N: a row of kind K may not be imported here; …`.
    public var description: String {
        let names = ImportRowKind.allCases.filter { allowed.contains($0) }.map(\.rawValue)
        return "line \(line): a row of kind \(kind.rawValue) may not be imported here; "
            + (names.isEmpty ? "no row kind is allowed" : "only \(names.joined(separator: ", ")) rows are")
            + "; nothing was imported"
    }
}

/// How far an import has got, for a progress display.
public struct ImportProgress: Sendable {
    /// Rows read so far (good and bad).
    public var rows: Int
    /// Bytes of the input parsed so far.
    public var bytesRead: Int
    /// The size of the input, when known (a regular file; nil for a pipe).
    public var totalBytes: Int?
}

/// One bad row: where it is and what is wrong, starting with the column.
public struct ImportIssue: Sendable, Equatable, CustomStringConvertible {
    /// The file as named in messages (its path, or "stdin").
    public var file: String
    /// The 1-based line the row starts on.
    public var line: Int
    /// What is wrong, starting with the column (`observed: '2025-13-01' is not a valid date …`).
    public var message: String

    /// `FILE:LINE: message`.
    public var description: String { "\(file):\(line): \(message)" }
}

/// What an import did (or, for a dry run or a refused file, would have done).
public struct ImportSummary: Sendable {
    /// The file as named in messages (its path, or "stdin").
    public var file: String
    /// Rows read, good and bad.
    public var rows = 0
    /// Rows that appended an entry.
    public var added = 0
    /// Rows whose id was already recorded with the same content: skipped.
    public var alreadyPresent = 0
    /// Bad rows.
    public var rejected = 0
    /// Rows a `where` filter left out.
    public var filtered = 0
    /// The first ``ImportOptions/issueLimit`` bad rows, in file order.
    public var issues: [ImportIssue] = []
    /// The entries appended, when any were.
    public var firstSeq: Int64?
    /// The last entry appended; nil when none was.
    public var lastSeq: Int64?

    /// Problems found beyond those kept in ``issues``.
    public var unlistedIssues: Int { max(0, rejected - issues.count) }

    /// `1000 added, 0 already present, 0 rejected` (and `, 12 filtered out` when a `where` filter left rows out).
    public var counts: String {
        "\(added) added, \(alreadyPresent) already present, \(rejected) rejected" + (filtered > 0 ? ", \(filtered) filtered out" : "")
    }
}
