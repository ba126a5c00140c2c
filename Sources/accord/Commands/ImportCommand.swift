import AccordFiles
import AccordLedger
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ImportFormat: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import verifications, breaches, corroborations, parties, agreements, commitments and guarantees from CSV or JSONL.",
        discussion: """
            One row per line (after a CSV header), applied in file order with the same checks as `accord log`, \
            `breach`, `party add` … The `kind` column says what a row is (default verification). All or nothing: \
            if any row is bad, nothing is written and every bad row is listed as FILE:LINE: column: problem. \
            Rows whose id is already recorded with the same content are skipped, so importing twice is harmless; \
            the same id with other content is a bad row that says what differs.
            A CSV file's separator (comma, semicolon or tab) is the one its header uses most. A file written by \
            another tool (a KoboToolbox or ODK Central export, an ACLED extract) reads through a mapping: \
            --mapping FILE (JSON: columns, set, values, where, ignore_unknown), or --map, --set and --where on the \
            command line; the repository's examples/ folder has mappings for those three.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: RecorderOptions
    @Argument(help: ArgumentHelp("The CSV or JSONL file, or - for standard input.", valueName: "file")) var file: String
    @Option(help: "\(choices(ImportFormat.self)) (default: from the file name: .jsonl and .ndjson are jsonl; csv for -).")
    var format: ImportFormat?
    @Flag(name: .customLong("dry-run"), help: "Check every row, report, and write nothing.") var dryRun = false
    @Flag(name: .customLong("keep-going"), help: "Write the good rows even if some are bad (exit 65 if any were).")
    var keepGoing = false
    @Option(help: ArgumentHelp("""
        With --keep-going: write the rejected records here exactly as they were read (the header too), and why each \
        was rejected to FILE.errors; fix them in place and import FILE with the same options.
        """, valueName: "file"))
    var rejects: String?
    @Option(help: ArgumentHelp("A mapping file (JSON) from the file's own columns to the import's; see the README.", valueName: "file"))
    var mapping: String?
    @Option(name: .customLong("map"), help: ArgumentHelp("Fill an import column from the file's column (repeatable).", valueName: "field=column"))
    var maps: [String] = []
    @Option(name: .customLong("set"), help: ArgumentHelp("Give an import column one value for every row (repeatable).", valueName: "field=value"))
    var sets: [String] = []
    @Option(name: .customLong("where"), help: ArgumentHelp("""
        Import only rows whose column holds exactly this value (repeatable: values of one column are alternatives, \
        columns must all match).
        """, valueName: "column=value"))
    var wheres: [String] = []
    @Flag(name: .customLong("ignore-unknown"), help: "Leave out the file's columns that nothing maps, instead of refusing the file.")
    var ignoreUnknown = false
    @Option(help: ArgumentHelp("The CSV delimiter: comma, semicolon, tab or one character (default: detected from the header).",
                               valueName: "char"))
    var delimiter: String?
    @Flag(help: "No progress display.") var quiet = false

    func validate() throws {
        if rejects != nil && !keepGoing {
            throw ValidationError("--rejects needs --keep-going (without it one bad row means nothing is imported)")
        }
    }

    /// The mapping: the file's, then the command line's.
    func importMapping() throws -> ImportMapping {
        var result = try mapping.map { try ImportMapping.load($0) } ?? ImportMapping()
        for assignment in maps { try result.map(assignment) }
        for assignment in sets { try result.set(assignment) }
        for assignment in wheres { try result.filter(assignment) }
        if ignoreUnknown { result.ignoreUnknown = true }
        if let delimiter { result.delimiter = try ImportMapping.delimiter(parsing: delimiter) }
        if format == .jsonl || result.format == .jsonl, delimiter != nil {
            throw CommandFailure(message: "--delimiter applies to CSV, not JSON Lines", exitCode: ExitCode32.usage.rawValue)
        }
        return result
    }

    func run() throws {
        if file == "-" && isatty(0) == 1 {
            throw CommandFailure(message: "standard input is a terminal; pipe the rows in (accord import - < rows.csv) or give the file's path",
                                 exitCode: ExitCode32.usage.rawValue)
        }
        try global.refuseOverwriting(rejects, flag: "--rejects", inputs: [file] + (mapping.map { [$0] } ?? []))
        try global.refuseOverwriting(rejects.map(RejectsFile.errorsPath), flag: "--rejects", inputs: [file] + (mapping.map { [$0] } ?? []))
        var options = ImportOptions()
        options.phrasing = CommandLinePhrasing()
        options.mapping = try importMapping()
        let ledger = try global.openLedger()
        options.dryRun = dryRun
        options.keepGoing = keepGoing
        let bar = ProgressBar(label: "importing \(file == "-" ? "stdin" : file)", quiet: quiet)
        let summary: ImportSummary
        do {
            defer { bar.finish() }
            let writer = try recorder.recorder()
            // The format from the option, the mapping, or the file's name (CSV for standard input).
            options.format = try format ?? options.mapping.format ?? ImportFormat(path: file)
            let input = try ImportInput(path: file)
            let rejectsFiles = rejects.map { RejectsFiles(path: $0, source: input.name) }
            summary = try ledger.importRows(from: input.source, name: input.name, options: options, as: writer,
                                            rejects: rejectsFiles, progress: bar.update)
        }
        // One line per bad row, whatever the row held.
        for issue in summary.issues { printError(OneLine.escaped(issue.description)) }
        if summary.unlistedIssues > 0 {
            printError("… and \(summary.unlistedIssues) more bad row\(summary.unlistedIssues == 1 ? "" : "s")"
                       + (rejects.map { " (all are in \($0))" } ?? ""))
        }
        if summary.rows == 0 {
            let jsonl = (options.format ?? (try? ImportFormat(path: file))) == .jsonl
            printError("\(summary.file): nothing to import (\(jsonl ? "no rows" : "a header and no rows")).")
            return
        }
        if dryRun {
            printError("Dry run: \(summary.counts); nothing was written.")
        } else if summary.rejected > 0 && !keepGoing {
            throw CommandFailure(
                message: "\(summary.rejected) of \(summary.rows) row\(summary.rows == 1 ? "" : "s") \(summary.rejected == 1 ? "is" : "are") bad; nothing was imported "
                    + "(fix \(summary.rejected == 1 ? "it" : "them"), or pass --keep-going to import the good rows)",
                exitCode: ExitCode32.badData.rawValue)
        } else {
            var line = summary.counts
            if let first = summary.firstSeq, let last = summary.lastSeq {
                line += first == last ? " (entry \(first))" : " (entries \(first)–\(last))"
            }
            printError(line + ".")
        }
        if summary.filtered > 0, summary.filtered == summary.rows {
            // Most often a value of a `where` that is not quite the file's (a year left off an actor's name).
            printError("Every row was filtered out: no row matched the where filter (--where, or the mapping's \"where\"); "
                       + "check its values against the file's, byte for byte.")
        }
        if let rejects, summary.rejected > 0 {
            printError("Rejected records written to \(rejects) as they were read, the reasons to \(RejectsFile.errorsPath(rejects)).")
        }
        if summary.rejected > 0 { throw ExitCode(ExitCode32.badData.rawValue) }
    }
}
