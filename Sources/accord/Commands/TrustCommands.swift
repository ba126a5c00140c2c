import AccordFiles
import AccordLedger
import AccordPresentation
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Keys: generate a key pair, request, register or revoke a key, give a ledger its first admin key.",
        discussion: """
            Once a ledger has an admin key, only entries signed by an admin key register or revoke keys, a registration \
            carries the new key's proof of possession (a request its holder makes with `accord key request`), and a \
            signed entry's actor is its key's name or an actor it was registered for.
            """,
        subcommands: [Generate.self, Request.self, Register.self, Admin.self, Revoke.self, SignClaim.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "generate", 
            abstract: "Generate an Ed25519 key pair: FILE (private, keep it safe) and FILE.pub (public).")

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The private key file to create (never replaced; FILE.pub beside it).", valueName: "file"))
        var out: String
        @Option(help: "The key's name (default: the file name without extension).") var name: String?

        func run() throws {
            try global.refuseOverwriting(out, flag: "--out")
            try global.refuseOverwriting(out + ".pub", flag: "--out \(out): the public key file")
            let defaultName = String((out.split(separator: "/").last ?? "key").split(separator: ".").first ?? "key")
            let publicText = try Keys.generate(name: name ?? defaultName, path: out)
            print(publicText)
            printError("Wrote the private key to \(out) and the public key to \(out).pub.")
        }
    }

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "request",
            abstract: "Make a request to register your key: its public key, role and actors, signed with it (proof of possession).",
            discussion: """
                Give the request to an admin of the ledger, who registers it with \
                `accord key register --request FILE --sign-with ADMIN.key`. It holds no secret.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Your private key file.", valueName: "file")) var key: String
        @Option(name: .customLong("for"),
                help: ArgumentHelp("An actor the key may sign as besides its name (repeatable).", valueName: "actor"))
        var actors: [String] = []
        @Option(help: "monitor (default) or admin.") var role: String?
        @Option(help: ArgumentHelp("Write the request to this file (default: standard output).", valueName: "file")) var out: String?

        func run() throws {
            try global.refuseOverwriting(out, flag: "--out", inputs: [key])
            let signing = try Keys.signingKey(at: key)
            let role = try role.map { try KeyRole(parsing: $0, option: .role) } ?? .monitor
            let request = try KeyRequest(key: signing, role: role, actors: actors)
            guard let out, out != "-" else {
                print(request.text)
                return
            }
            try Keys.writeRequest(request, to: out)
            let registration = request.registration
            printError("Wrote the request for \(registration.role == .admin ? "admin " : "")key \(registration.name) (signing as "
                       + "\(([registration.name] + registration.actors).joined(separator: ", "))) to \(out); an admin registers it with "
                       + "`accord key register --request \(out) --sign-with ADMIN.key`.")
        }
    }

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "register",
            abstract: "Register a key (a public key file, or a request); entries after this may be signed with it.",
            discussion: """
                On a ledger with admin keys, register a request (--request) and sign with an admin key (--sign-with).
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: RecorderOptions
        @OptionGroup var receiptOptions: ReceiptOptions
        @Argument(help: "The key's name (as in its public file or request; optional with --request).") var name: String?
        @Option(name: .customLong("public"), help: ArgumentHelp("The public key file (FILE.pub).", valueName: "file"))
        var publicFile: String?
        @Option(help: ArgumentHelp("A request made with `accord key request` (it carries the proof of possession).", valueName: "file"))
        var request: String?
        @Option(help: "With --public: monitor (default), or admin (a ledger's first admin key).") var role: String?
        @Option(name: .customLong("for"),
                help: ArgumentHelp("With --public: an actor the key may sign as besides its name (repeatable).", valueName: "actor"))
        var actors: [String] = []

        func validate() throws {
            switch (publicFile, request) {
            case (nil, nil): throw ValidationError("give the key: --public FILE.pub, or --request FILE")
            case (_?, _?): throw ValidationError("give either --public or --request, not both")
            case (_?, nil):
                if name == nil { throw ValidationError("--public needs the key's name: accord key register NAME --public FILE.pub") }
            case (nil, _?):
                if role != nil || !actors.isEmpty {
                    throw ValidationError("--role and --for belong to the request (its holder signed them); "
                                          + "give them to `accord key request`")
                }
            }
        }

        func run() throws {
            let ledger = try global.openLedger()
            let receipt: Receipt
            let registration: KeyRegistration
            if let request {
                let parsed = try Keys.request(at: request)
                registration = parsed.registration
                if let name, name != registration.name {
                    throw LedgerError(.invalid(.keyName), "\(request) requests key \(registration.name), not \(name)")
                }
                receipt = try ledger.registerKey(parsed, as: recorder.recorder())
            } else {
                let key = try Keys.verifierKey(at: publicFile ?? "")
                let role = try role.map { try KeyRole(parsing: $0, option: .role) } ?? .monitor
                let name = name ?? key.name
                receipt = try ledger.registerKey(name: name, publicKey: key, role: role, actors: actors, as: recorder.recorder())
                registration = KeyRegistration(name: name, publicKey: key.publicKeyBytes, role: role, actors: actors)
            }
            announce(receipt, registration.registeredWords, receiptOptions)
        }
    }

    struct Admin: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "admin",
            abstract: "Register a ledger's first admin key; from then on only admin keys register or revoke keys.",
            discussion: """
                Accepted only while the ledger has no admin key (`accord init --admin-key FILE.pub` does the same when \
                creating one). Further admins are registered by an admin: `accord key request --role admin`, then \
                `accord key register --request FILE --sign-with ADMIN.key`.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: ActorOptions
        @OptionGroup var receiptOptions: ReceiptOptions
        @Option(name: .customLong("public"), help: ArgumentHelp("The admin's public key file (FILE.pub).", valueName: "file"))
        var publicFile: String?
        @Option(help: ArgumentHelp("Or a request with role admin (`accord key request --role admin`).", valueName: "file"))
        var request: String?

        func validate() throws {
            guard (publicFile == nil) != (request == nil) else {
                throw ValidationError("give the admin's key: --public FILE.pub, or --request FILE (one of them)")
            }
        }

        func run() throws {
            let ledger = try global.openLedger()
            if let request {
                let parsed = try Keys.request(at: request)
                announce(try ledger.registerFirstAdminKey(parsed, as: recorder.recorder()), parsed.registration.registeredWords,
                         receiptOptions)
            } else {
                let key = try Keys.verifierKey(at: publicFile ?? "")
                announce(try ledger.registerFirstAdminKey(key, as: recorder.recorder()), "admin key \(key.name) registered",
                         receiptOptions)
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke",
            abstract: "Revoke a key; later entries signed with it are refused (on a ledger with admin keys, sign with one).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: RecorderOptions
        @OptionGroup var receiptOptions: ReceiptOptions
        @Argument(help: "The key's name.") var name: String
        @Option(help: "Why.") var reason: String?

        func run() throws {
            let ledger = try global.openLedger()
            announce(try ledger.revokeKey(name: name, reason: reason, as: recorder.recorder()), "key \(name) revoked", receiptOptions)
        }
    }
}

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign a checkpoint (tree size and Merkle root) to keep outside the ledger.",
        discussion: """
            The checkpoint is a C2SP signed note. Keep it somewhere the ledger's operator cannot change; \
            `accord audit --checkpoint FILE` later proves the ledger only grew since.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The private key file (a registered key; default $ACCORD_KEY).", valueName: "file"))
    var key: String?
    @Option(help: ArgumentHelp("Write the checkpoint to this file (default: stdout).", valueName: "file"))
    var out: String?

    func run() throws {
        guard let keyPath = key ?? environment("ACCORD_KEY") else {
            throw CommandFailure(message: "checkpoint needs a signing key: --key FILE or ACCORD_KEY=FILE "
                                     + "(make one with `accord key generate`, then `accord key register`)",
                                 exitCode: ExitCode32.usage.rawValue)
        }
        let signing = try Keys.signingKey(at: keyPath)
        try global.refuseOverwriting(out, flag: "--out", inputs: [keyPath])
        let ledger = try global.openLedger()
        let checkpoint = try ledger.checkpoint(signingWith: signing)
        if let out {
            try Keys.writeCheckpoint(checkpoint.note, to: out)
            printError("Signed checkpoint of \(checkpoint.size) entries, root \(checkpoint.root.hex), written to \(out).")
        } else {
            let output = TextOutput()
            output.write(checkpoint.note)
            output.flush()
        }
    }
}

struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "RFC 6962 proofs: that an entry is in the tree, or that an older tree is a prefix of a newer one.",
        subcommands: [Inclusion.self, Consistency.self])

    struct Inclusion: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "inclusion", abstract: "Prove entry SEQ is in the tree of SIZE entries (default: all).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entry's seq.") var seq: Int64
        @Option(help: "The tree size (default: the whole journal).") var size: Int64?

        func run() throws {
            let proof = try global.openLedgerReadOnly().inclusionProof(seq: seq, size: size)
            print(proof.json.serialized(pretty: true))
        }
    }

    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "consistency", abstract: "Prove the tree of OLD entries is a prefix of the tree of NEW (default: all).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The older tree size.") var oldSize: Int64
        @Argument(help: "The newer tree size (default: the whole journal).") var newSize: Int64?

        func run() throws {
            let proof = try global.openLedgerReadOnly().consistencyProof(oldSize: oldSize, newSize: newSize)
            print(proof.json.serialized(pretty: true))
        }
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Recompute everything from the raw journal and name the first entry that does not match.",
        discussion: """
            Opens the file read-only. Checks SQLite's integrity (every index against its table), that the schema \
            is exactly the migrations', seq contiguity, that each entry decodes and re-encodes to the same bytes, \
            leaf hashes and the chain, that no time is in the future, signatures, the admin rules for keys, the \
            Merkle tree, that the projections equal a fresh re-derivation (as bytes), and every stored and given checkpoint.
            Exit codes: 0 verified, 1 tampering or inconsistency, 2 storage corruption, 3 unverifiable (unknown key, or \
            --require-signed on a ledger without an admin key).
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("checkpoint"), help: ArgumentHelp("A signed checkpoint kept outside the ledger (repeatable).", valueName: "file"))
    var checkpoints: [String] = []
    @Option(name: .customLong("trusted-key"), help: ArgumentHelp("A public key you trust to have signed outside checkpoints, even if the ledger no longer registers it (repeatable).", valueName: "file"))
    var trustedKeys: [String] = []
    @Flag(help: "Kept for scripts: the audit always runs SQLite's full integrity_check now.") var full = false
    @Flag(name: .customLong("require-signed"), help: """
        Fail on every evidence entry (verification, breach, corroboration, correction, retraction, dispute, adjudication, \
        invocation) recorded after the ledger's first admin key that no key signed.
        """)
    var requireSigned = false

    /// What `accord audit` prints.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, ndjson
    }

    @Option(help: "\(choices(Format.self, default: .table)): a summary, the report as JSON, or that JSON on one line.")
    var format: Format = .table
    @OptionGroup var remote: RemoteSource

    func run() throws {
        var given: [(name: String, text: String)] = []
        for path in checkpoints {
            given.append((path, try Keys.readCheckpoint(at: path)))
        }
        let trusted = try trustedKeys.map { try Keys.verifierKey(at: $0) }
        if let server = try remote.server(global) {
            let (report, checkpointLine) = try RemoteAudit.run(server, checkpoints: given, trustedKeys: trusted, full: full,
                                                               requireSigned: requireSigned, settings: global.settings)
            return try print(report, extra: checkpointLine)
        }
        let report = try Audit.run(path: global.path, full: full, checkpoints: given, trustedKeys: trusted, requireSigned: requireSigned,
                                    settings: global.settings)
        try print(report)
    }

    func print(_ report: AuditReport, extra: [String] = []) throws {
        if format == .json || format == .ndjson {
            Swift.print(report.json(CommandLinePhrasing()).serialized(pretty: format == .json))
        } else {
            Swift.print(([report.summary(CommandLinePhrasing())] + extra).joined(separator: "\n"))
        }
        if report.outcome.exitCode != 0 { throw ExitCode(report.outcome.exitCode) }
    }
}

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "The raw journal, for outside verifiers.",
        subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", 
            abstract: "Print every entry: seq, kind, canonical bytes (base64), leaf and previous hash, time, actor, signature.")

        @OptionGroup var global: GlobalOptions
        /// What `accord journal export` prints.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case ndjson, json
        }

        @Option(help: "\(choices(Format.self, default: .ndjson)): one object per line, or one array.") var format: Format = .ndjson

        func run() throws {
            let ledger = try global.openLedgerReadOnly()
            let output = TextOutput()
            var first = true
            if format == .json { output.write("[") }
            try ledger.exportJournal { entry in
                if format == .json {
                    output.write(first ? "\n" : ",\n")
                    output.write(entry.serialized())
                } else {
                    output.line(entry.serialized())
                }
                first = false
            }
            if format == .json { output.line(first ? "]" : "\n]") }
            output.flush()
        }
    }
}

/// An environment variable, or nil when unset or empty.
