import AccordFiles
import AccordLedger
import AccordPresentation
import ArgumentParser

/// `accord clone URL` / `accord clone --from-bundle FILE`: a field ledger.
struct CloneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone",
        abstract: "Make a field ledger from a mission's server or a definitions bundle, to log evidence on offline.",
        discussion: """
            The field ledger holds the mission's definitions (parties, agreements, commitments and their amendments, \
            guarantees, keys) as of the mission's current seq, and remembers the server and the mission ledger's id, \
            never the token. Monitors then log on it as on any ledger (signing with their keys), and send their \
            entries with `accord push`, or carry them with `accord bundle --out FILE`.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: ActorOptions
    @Argument(help: ArgumentHelp("The mission's server (https://…), as `accord serve` answers it.", valueName: "url"))
    var url: String?
    @Option(name: .customLong("from-bundle"), help: ArgumentHelp(
        "A definitions bundle (`accord bundle definitions --out FILE` on the mission ledger) instead of a server.",
        valueName: "file"))
    var fromBundle: String?
    @OptionGroup var remote: RemoteOptions
    @Flag(help: ArgumentHelp(
        "A reviewer's field ledger: also adopt the evidence other monitors recorded in the mission ledger, as read-only copies "
            + "each proved by the mission's receipt (this and every later pull)."))
    var evidence = false

    func validate() throws {
        switch (url, fromBundle) {
        case (nil, nil): throw ValidationError("give the mission server's URL, or --from-bundle FILE")
        case (_?, _?): throw ValidationError("give the mission server's URL or --from-bundle FILE, not both")
        default: break
        }
        if fromBundle != nil, remote.token != nil { throw ValidationError("--token is for a server: a bundle needs none") }
        if fromBundle != nil, evidence {
            throw ValidationError("--evidence asks a server; a bundle carries the mission's evidence when it was written with "
                                  + "`accord bundle definitions --evidence`")
        }
        if let url, let problem = FieldRemote.problem(url, flag: "URL") { throw ValidationError(problem) }
    }

    func run() throws {
        let path = global.path
        if BundleFiles.exists(path) {
            throw LedgerError(.conflict(.file(path)), "\(OneLine.escaped(path)) already exists: a field ledger is made in a "
                              + "new file; give --db another path")
        }
        let definitions: [UInt8]
        let base = url.map { FieldRemote.base($0) }
        if let base {
            definitions = try Remote.request("GET", Remote.url(base, "/v1/bundles/definitions" + (evidence ? "?evidence=true" : "")),
                                             token: remote.resolvedToken())
        } else {
            definitions = try BundleFiles.read(fromBundle ?? "", what: "the definitions bundle")
        }
        let (ledger, outcome) = try Ledger.clone(at: path, definitions: definitions, remote: base, as: recorder.recorder(),
                                                  settings: global.settings)
        let origin = try ledger.fieldOrigin()
        let mission = origin.map { " \($0.missionID)" } ?? ""
        printError("Cloned the mission ledger\(mission) as of mission seq \(outcome.missionSeq) into \(ledger.path) "
                   + "(\(outcome.adopted) definition\(outcome.adopted == 1 ? "" : "s"), \(FieldSummary.proof(outcome))"
                   + (outcome.evidence.map { "; " + FieldSummary.evidence($0) } ?? "") + "); log on it "
                   + "offline, then "
                   + (base == nil ? "`accord bundle --out FILE` to carry the entries back." : "`accord push`."))
    }
}

/// `accord push`: sends the entries not yet acknowledged; `--status` lists where each stands.
struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Field ledger: send the entries the mission has not answered, and store the receipts (--status: list them).",
        discussion: """
            Every local evidence entry the mission has not answered goes, in order, in requests of --batch entries, \
            each with its monitor's signature and a stable id, so a push cut at any point and run again never records \
            an entry twice. Each \
            accepted entry comes back with a receipt (its mission seq and an inclusion proof against a signed mission \
            checkpoint), verified and stored here; entries the mission refuses are not sent again: `--status` lists \
            them with the reason until they are corrected or voided (exit 0 all the same). Exit 75 when the server cannot be reached: nothing \
            is lost, push again later; 77 when the token is refused.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: FieldRemote
    @Flag(help: "List every local evidence entry and where it stands (pending, accepted, refused, voided, local); send nothing.")
    var status = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        if status {
            let rows = try global.openLedgerReadOnly().pushStatus()
            RowSet(columns: ["seq", "kind", "id", "state", "mission_seq", "reason"], rows: rows.map { row in
                [.int(row.seq), .text(row.kind.rawValue), Cell(row.externalID), .text(row.state.rawValue), Cell(row.missionSeq),
                 Cell(row.reason)]
            }).render(output.format, header: output.header, raw: output.raw, to: output.stdout())
            return
        }
        try FieldSync.push(global.openLedger(), target, batch: target.batch)
    }
}

/// `accord pull`: the mission's new definitions and amendments.
struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Field ledger: bring in the mission's definitions and amendments recorded since the last clone or pull.",
        discussion: """
            Without a network, carry them: `accord bundle definitions --after SEQ --out FILE` on the mission ledger (SEQ: \
            the mission seq the field ledger is as of, which its reports show), then `accord pull --from-bundle FILE` here. \
            A reviewer's field ledger (cloned with --evidence, or pulled once with --evidence) also adopts the evidence \
            recorded in the mission ledger since, as read-only copies each proved by the mission's receipt; carried, \
            its bundle is `accord bundle definitions --evidence --checkpoint-key ADMIN.key --after SEQ`, SEQ being the \
            lower of the two mission seqs its reports show (definitions, evidence).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: ActorOptions
    @OptionGroup var target: FieldRemote
    @Option(name: .customLong("from-bundle"), help: ArgumentHelp(
        "A definitions bundle (`accord bundle definitions` on the mission ledger) instead of the server.", valueName: "file"))
    var fromBundle: String?
    @Flag(help: ArgumentHelp(
        "Also adopt the evidence other monitors recorded in the mission ledger (all of it, the first time), as read-only copies; "
            + "every later pull then does."))
    var evidence = false

    func validate() throws {
        if fromBundle != nil, target.remote != nil || target.credentials.token != nil {
            throw ValidationError("--from-bundle reads a file: --remote and --token are for a server")
        }
        if fromBundle != nil, evidence {
            throw ValidationError("--evidence asks a server; a bundle carries the mission's evidence when it was written with "
                                  + "`accord bundle definitions --evidence`")
        }
    }

    func run() throws {
        let ledger = try global.openLedger()
        guard let fromBundle else { return try FieldSync.pull(ledger, target, as: recorder.recorder(), evidence: evidence) }
        _ = try FieldSync.origin(ledger)
        let bundle = try BundleFiles.read(fromBundle, what: "the definitions bundle")
        let outcome = try ledger.adoptDefinitions(bundle, as: recorder.recorder())
        printError(FieldSummary.pulled(outcome, from: fromBundle, ledger: ledger))
    }
}

/// `accord sync`: pull, then push.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Field ledger: pull, then push.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: ActorOptions
    @OptionGroup var target: FieldRemote

    func run() throws {
        let ledger = try global.openLedger()
        try FieldSync.pull(ledger, target, as: recorder.recorder())
        try FieldSync.push(ledger, target, batch: target.batch)
    }
}

/// `--remote` and `--token`: where a field ledger pushes and pulls.
struct FieldRemote: ParsableArguments {
    @Option(help: ArgumentHelp("The mission's server (default: $ACCORD_REMOTE, else the one the ledger was cloned from).",
                               valueName: "url"))
    var remote: String?
    @OptionGroup var credentials: RemoteOptions
    @Option(help: ArgumentHelp("Push at most this many entries a request (default \(FieldRemote.defaultBatch)).", valueName: "n"))
    var batch: Int = FieldRemote.defaultBatch

    /// Entries a push request carries by default: about 1.8 MiB of bundle and
    /// 7 MiB of receipts (well under the server's 32 MiB --max-import); fewer,
    /// larger requests push faster (docs/PERFORMANCE.md, "Push").
    static let defaultBatch = 5000

    func validate() throws {
        if let remote, let problem = FieldRemote.problem(remote, flag: "--remote") { throw ValidationError(problem) }
        if batch < 1 { throw ValidationError("--batch \(batch): give a number of entries, 1 or more") }
    }

    /// The server: --remote, ACCORD_REMOTE, else the field ledger's origin.
    /// - Throws: ``CommandFailure`` (64) when there is none.
    func server(_ origin: FieldOrigin) throws -> String {
        if let chosen = remote ?? environment("ACCORD_REMOTE") {
            if let problem = FieldRemote.problem(chosen, flag: remote == nil ? "ACCORD_REMOTE" : "--remote") {
                throw CommandFailure(message: problem, exitCode: ExitCode32.usage.rawValue)
            }
            return FieldRemote.base(chosen)
        }
        guard let stored = origin.remote else {
            throw CommandFailure(message: "this field ledger was cloned from a bundle file, so it has no server: pass --remote URL, "
                                     + "or carry the entries with `accord bundle --out FILE`", exitCode: ExitCode32.usage.rawValue)
        }
        return stored
    }

    /// What is wrong with a server URL: not http(s), or carrying credentials
    /// (a token is never stored); nil when nothing is.
    static func problem(_ url: String, flag: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return "\(flag) '\(OneLine.escaped(url, limit: 80))' is not an http:// or https:// URL"
        }
        let authority = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(2).first ?? ""
        if authority.contains("@") {
            return "\(flag): give the server's URL without a user or token in it; pass the token with --token or ACCORD_TOKEN"
        }
        return nil
    }

    /// The URL without trailing slashes.
    static func base(_ url: String) -> String {
        var base = Substring(url)
        while base.hasSuffix("/") { base = base.dropLast() }
        return String(base)
    }
}

/// What push and pull do with a field ledger and its server.
enum FieldSync {
    static func origin(_ ledger: Ledger) throws -> FieldOrigin {
        guard let origin = try ledger.fieldOrigin() else {
            throw LedgerError(.invalid(nil), "\(ledger.path) is not a field ledger: push, pull and sync work on a ledger "
                              + "made by `accord clone`")
        }
        return origin
    }

    /// Sends the entries not yet answered in bundles of at most `batch`: a
    /// long backlog never holds the mission's writer for long, nor passes the
    /// server's body cap. While the mission applies one bundle, the next is
    /// built, and it is sent as soon as the answer is in, before that answer's
    /// receipts are checked and stored: the field ledger's work and the
    /// mission's overlap. A push cut off keeps every receipt of the bundles
    /// already answered; an entry that refers to one in a bundle not answered
    /// yet waits for that answer (``Ledger/pushBatch(limit:after:)``).
    static func push(_ ledger: Ledger, _ target: FieldRemote, batch: Int = FieldRemote.defaultBatch) throws {
        let server = try target.server(try origin(ledger))
        guard let first = try ledger.pushBatch(limit: batch) else {
            // Nothing is sent, so nothing is said of the server: this ledger holds an answer for every entry.
            printError("Nothing to push: no entry of this field ledger is waiting to be sent (nothing was sent to \(server)).")
            return
        }
        let token = try target.credentials.resolvedToken()
        let url = Remote.url(server, "/v1/bundles")
        var inFlight: (request: Remote.Pending, lastSeq: Int64)? = (try Remote.start("POST", url, token: token, body: first.bytes),
                                                                    first.lastSeq)
        var total = ReceiptsOutcome()
        var bundles = 0
        while let current = inFlight {
            inFlight = nil
            var following: (request: Remote.Pending, lastSeq: Int64)?
            var finished = false  // finish() closes and waits for the client, whatever it answers
            do {
                let next = try ledger.pushBatch(limit: batch, after: current.lastSeq)
                finished = true
                let receipts = try current.request.finish()
                // The answer's receipts are stored even when the next bundle cannot be sent.
                var notSent: (any Error)?
                do {
                    if let next { following = (try Remote.start("POST", url, token: token, body: next.bytes), next.lastSeq) }
                } catch {
                    notSent = error
                }
                let outcome = try ledger.importReceipts(receipts)
                bundles += 1
                total.accepted += outcome.accepted
                total.alreadyStored += outcome.alreadyStored
                total.refused += outcome.refused
                if let notSent { throw notSent }
                // Receipts that answer nothing new would send the same bundle for ever.
                guard outcome.accepted + outcome.refused > 0 else {
                    throw CommandFailure(message: "\(server) answered a push with receipts for none of its entries; the push "
                                             + "stopped there (a bundle sent after it may have been recorded: the next push "
                                             + "collects its receipts; `accord push --status` lists what is pending)",
                                         exitCode: ExitCode32.failure.rawValue)
                }
                if following == nil, let again = try ledger.pushBatch(limit: batch) {
                    // Nothing was built while this bundle was applied, or it waited for this answer.
                    following = (try Remote.start("POST", url, token: token, body: again.bytes), again.lastSeq)
                }
            } catch {
                if !finished { current.request.abandon() }
                following?.request.abandon()
                throw error
            }
            inFlight = following
        }
        printError("Pushed to \(server)\(bundles > 1 ? " in \(bundles) bundles" : ""). " + FieldSummary.receipts(total))
    }

    /// Asks for the definitions after the mission seq the field ledger is as
    /// of; a reviewer's (or with `evidence`) also for the evidence after the
    /// seq its adopted evidence is as of (all of it, the first time).
    static func pull(_ ledger: Ledger, _ target: FieldRemote, as recorder: Recorder, evidence: Bool = false) throws {
        let origin = try origin(ledger)
        let server = try target.server(origin)
        var query = "after=\(origin.missionSeq)"
        if evidence || origin.evidenceSeq != nil {
            query = "after=\(min(origin.missionSeq, origin.evidenceSeq ?? 0))&evidence=true"
        }
        let bundle = try Remote.request("GET", Remote.url(server, "/v1/bundles/definitions?" + query),
                                        token: target.credentials.resolvedToken())
        let outcome = try ledger.adoptDefinitions(bundle, as: recorder)
        printError(FieldSummary.pulled(outcome, from: server, ledger: ledger))
    }
}
