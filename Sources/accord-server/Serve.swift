// The HTTP server behind `accord serve`: its own executable, so that the
// command line does not link NIO and Hummingbird (docs/PERFORMANCE.md, S1).
import AccordLedger
import AccordServer
import ArgumentParser
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `accord-server [options]`, which `accord serve` runs.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accord serve",
        abstract: "Serve one mission ledger over HTTP: the /v1 API, with roles by token.",
        discussion: """
            Listens on loopback by default; put a TLS-terminating reverse proxy in front of it for anything else. \
            Issue the first admin token on the file with `accord token issue --role admin --name NAME`. \
            SIGTERM or SIGINT stops it gracefully: requests in flight are finished and acknowledged, then the ledger is closed.
            """,
        version: "accord-server 0.1.0")

    @Option(help: ArgumentHelp("The ledger file (default: $ACCORD_DB, else accord.sqlite).", valueName: "path"))
    var db: String?
    @Option(help: ArgumentHelp("Where to listen (default 127.0.0.1:8080; port 0 picks a free one).", valueName: "host:port"))
    var listen = "127.0.0.1:8080"
    @Flag(name: .customLong("insecure-http"), help: "Allow a non-loopback --listen: tokens then cross the network in clear.")
    var insecureHTTP = false
    @Option(name: .customLong("max-body"), help: "The largest JSON body, in bytes (default 65536).") var maxBody: Int?
    @Option(name: .customLong("max-import"), help: "The largest import body, in bytes (default 32 MiB: an import holds every other write until it ends; spooled to a scratch file, not held in memory).") var maxImport: Int?
    @Option(name: .customLong("rate-limit"), help: "Requests a second per token; 0 for none (default 100).") var rateLimit: Double?
    @Option(name: .customLong("max-heavy-reads"), help: "Exports, journal exports and briefs served at once (default 4, one per reader; 0: no bound); one more gets 503 with Retry-After.") var maxHeavyReads: Int?
    @Option(name: .customLong("idle-timeout"), help: "Seconds before an idle connection is closed (default 30).") var idleTimeout: Int64?
    @Option(name: .customLong("checkpoint-key"), help: ArgumentHelp(
        "A registered key: GET /v1/checkpoint signs with it; an admin key (accord key admin) also signs the receipts of a push (POST /v1/bundles needs one) and proves what a clone takes.",
        valueName: "file"))
    var checkpointKey: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info (default), notice, warning, error or critical.")
    var logLevel = "info"

    /// Refuses values the server could not run with (exit 64, before anything is opened).
    func validate() throws {
        if let maxBody, maxBody < 1 { throw ValidationError("--max-body \(maxBody): give the largest JSON body in bytes, 1 or more") }
        if let maxImport, maxImport < 1 {
            throw ValidationError("--max-import \(maxImport): give the largest import body in bytes, 1 or more")
        }
        if let rateLimit, !rateLimit.isFinite || rateLimit < 0 {
            throw ValidationError("--rate-limit \(rateLimit): give requests a second as a number 0 or more (0: no limit)")
        }
        if let maxHeavyReads, maxHeavyReads < 0 {
            throw ValidationError("--max-heavy-reads \(maxHeavyReads): give a number, 0 (no bound) or more")
        }
        if let idleTimeout, idleTimeout < 1 { throw ValidationError("--idle-timeout \(idleTimeout): give seconds, 1 or more") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--log-level '\(TextRules.printable(logLevel, limit: 40))': give one of \(levels)")
        }
    }

    func run() async throws {
        var configuration = ServerConfiguration(database: db ?? environment("ACCORD_DB") ?? "accord.sqlite")
        do {
            try configuration.listen(listen)
        } catch let error as ServerError {
            fail(error.description, code: 64)
        }
        configuration.insecureHTTP = insecureHTTP
        // Uploads to POST /v1/import are spooled here: $TMPDIR, as other tools' scratch files are.
        configuration.settings = LedgerSettings(clock: ledgerClock(), scratchDirectory: environment("TMPDIR") ?? "/tmp")
        if let maxBody { configuration.limits.maxBodyBytes = maxBody }
        if let maxImport { configuration.limits.maxImportBytes = maxImport }
        if let rateLimit {
            configuration.limits.rate = rateLimit
            configuration.limits.burst = rateLimit * 2
        }
        if let idleTimeout { configuration.limits.idleTimeoutSeconds = idleTimeout }
        if let maxHeavyReads { configuration.limits.maxHeavyReads = maxHeavyReads }
        configuration.checkpointKey = checkpointKey
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "accord.server")
        do {
            let shown = (database: configuration.database, host: configuration.host)
            try await AccordServer.run(configuration, logger: logger) { port in
                // One line that scripts and tests read to find the port.
                printError("Serving \(shown.database) on \(shown.host) port \(port.map(String.init) ?? "?"); "
                           + "stop with SIGTERM or Ctrl-C")
            }
        } catch let error as ServerError {
            fail(error.description, code: error.isUsage ? 64 : 1)
        }
    }

    func fail(_ message: String, code: Int32) -> Never {
        printError("Error: " + message)
        terminate(code)
    }
}

/// `exit(3)`, outside the command whose static `exit(withError:)` would shadow it.
func terminate(_ code: Int32) -> Never {
    exit(code)
}

func environment(_ name: String) -> String? {
    guard let value = getenv(name).map({ String(cString: $0) }), !value.isEmpty else { return nil }
    return value
}

func printError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// The clock entries are recorded by: `ACCORD_NOW` when set (reproducible
/// examples; each entry says its time was set so), else the system clock, as
/// the command line reads it.
func ledgerClock() -> LedgerClock {
    guard let fixed = environment("ACCORD_NOW") else { return .system }
    return LedgerClock {
        guard let moment = try? Moment(parsing: fixed, field: .recordedAt) else {
            throw LedgerError(.invalid(.recordedAt), "ACCORD_NOW=\(fixed) is not a date or ISO 8601 time")
        }
        return LedgerClock.Reading(time: moment.timestamp, source: "ACCORD_NOW", system: Timestamp.system())
    }
}
