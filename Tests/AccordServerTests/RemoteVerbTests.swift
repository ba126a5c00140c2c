import Foundation
import Testing

/// The ordinary verbs with `--remote URL --token T`: the built `accord`
/// against `accord-server` on loopback, serving a demo mission ledger. A
/// remote read prints byte for byte what the same command prints on the
/// served file, in every format; a remote write is the same entry with the
/// same confirmation; refusals keep the local exit codes; `audit --remote`
/// verifies the served journal and its checkpoint, and fails on one altered.
@Suite(.serialized) struct RemoteVerbTests {
    typealias Mission = FieldServerTests.Mission

    /// A fixed clock for the server and every command, so a brief's "generated at" and a report's "today" agree.
    static let now = ["ACCORD_NOW": "2025-06-10T12:00:00Z"]

    static func accord(_ arguments: [String], environment: [String: String] = now) throws -> LiveServer.Outcome {
        try LiveServer.accord(arguments, environment: environment)
    }

    /// Runs `arguments` on the file and on the server; both outcomes.
    static func both(_ mission: Mission, _ arguments: [String], token: String) throws -> (local: LiveServer.Outcome, remote: LiveServer.Outcome) {
        (try accord(arguments + ["--db", mission.path]), try accord(arguments + ["--remote", mission.url, "--token", token]))
    }

    /// Every verb that reads, in every format it has, with its options: the remote output is the local one, byte for byte.
    @Test func remoteReadsPrintWhatLocalReadsPrint() throws {
        let mission = try Mission(environment: RemoteVerbTests.now)
        let admin = try #require(mission.tokens["admin"])
        let formats = ["table", "json", "ndjson", "csv", "tsv", "markdown"]
        var cases: [[String]] = []
        for format in formats {
            cases.append(["report", "--format", format])
            cases.append(["report", "--format", format, "--party", "UA", "--at", "2025-06-01", "--min-confidence", "unverified"])
            cases.append(["breaches", "--format", format])
            cases.append(["breaches", "--format", format, "--status", "all", "--severity", "major"])
            cases.append(["commitment", "show", "UA-release", "--format", format])
            cases.append(["commitment", "show", "RU-no-strikes", "--format", format, "--at", "2025-06-02"])
            cases.append(["history", "UA-release", "--format", format])
            cases.append(["history", "5", "--format", format, "--as-of", "20"])
        }
        cases += [
            ["report", "--format", "csv", "--section", "parties", "--no-header"],
            ["report", "--format", "json", "--section", "guarantees"],
            ["report", "--format", "table", "--as-of", "12"],
            ["report", "--format", "tsv", "--raw", "--bom"],
            ["breaches", "--format", "csv", "--no-header", "--raw", "--bom"],
            ["history", "UA-release", "--format", "csv", "--no-header"],
            ["commitment", "show", "UA-release", "--format", "csv", "--bom"],
        ]
        for table in ["verifications", "breaches", "commitments", "guarantees", "parties", "agreements"] {
            for format in ["csv", "tsv", "json", "ndjson"] { cases.append(["export", table, "--format", format]) }
        }
        cases += [
            ["export", "verifications", "--format", "geojson"],
            ["export", "verifications", "--no-header", "--raw", "--bom"],
            ["export", "breaches", "--status", "all", "--at", "2025-06-02", "--as-of", "25"],
            ["brief", "--format", "markdown", "--at", "2025-06-01", "--as-of", "30"],
        ]
        for arguments in cases {
            let (local, remote) = try RemoteVerbTests.both(mission, arguments, token: admin)
            let shown = arguments.joined(separator: " ")
            #expect(local.status == 0, "\(shown): \(local.stderr)")
            #expect(remote.status == local.status, "\(shown): \(remote.stderr)")
            guard !arguments.contains("brief") else { continue }
            #expect(!local.stdout.isEmpty, "\(shown)")
            #expect(remote.stdout == local.stdout, "\(shown)")
        }
    }

    /// The brief names where it came from: its footer and reproduce command
    /// name the server instead of the file; every other byte is the local one.
    @Test func remoteBriefIsTheLocalOneNamingTheServer() throws {
        let mission = try Mission(environment: RemoteVerbTests.now)
        let admin = try #require(mission.tokens["admin"])
        for format in ["markdown", "html"] {
            let local = mission.file("local.\(format)"), remote = mission.file("remote.\(format)")
            let arguments = ["brief", "--format", format, "--at", "2025-06-05", "--party", "UA"]
            // Environment, not --db: the reproduce command then carries no --db, as the remote one carries --remote instead.
            var environment = RemoteVerbTests.now
            environment["ACCORD_DB"] = mission.path
            let made = try RemoteVerbTests.accord(arguments + ["--out", local], environment: environment)
            #expect(made.status == 0, "\(made.stderr)")
            let asked = try RemoteVerbTests.accord(arguments + ["--remote", mission.url, "--token", admin, "--out", remote])
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(asked.stderr.contains("Wrote \(remote) (\(format), from \(mission.url))"), "\(asked.stderr)")
            let localLines = try String(contentsOfFile: local, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            let remoteLines = try String(contentsOfFile: remote, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(localLines.count == remoteLines.count)
            var differing: [(Substring, Substring)] = []
            for (a, b) in zip(localLines, remoteLines) where a != b { differing.append((a, b)) }
            // Exactly the ledger's name and the reproduce command differ.
            #expect(differing.count == 2, "\(differing)")
            let name = URL(fileURLWithPath: mission.path).lastPathComponent
            #expect(differing.contains { $0.0.contains("\(name):") && $0.1.contains("\(name) at \(mission.url):") }, "\(differing)")
            #expect(differing.contains { !$0.0.contains("--remote") && $0.1.contains("accord brief --remote \(mission.url) --at 2025-06-05") },
                    "\(differing)")
        }
    }

    /// Unknown ids and bad values: the local exit code (65), nothing printed on standard output.
    @Test func remoteRefusalsKeepLocalExitCodes() throws {
        let mission = try Mission()
        let admin = try #require(mission.tokens["admin"])
        for arguments in [["commitment", "show", "NOPE"], ["history", "NOPE"], ["report", "--party", "NOPE"],
                          ["breaches", "--since", "not-a-date"], ["report", "--at", "2025-13-01"]] {
            let (local, remote) = try RemoteVerbTests.both(mission, arguments, token: admin)
            #expect(local.status == 65, "\(arguments): \(local.stderr)")
            #expect(remote.status == 65, "\(arguments): \(remote.stderr)")
            #expect(remote.stdout.isEmpty)
            #expect(remote.stderr.hasPrefix("Error: the server refused the request (4"), "\(remote.stderr)")
        }
        // Which side to ask, refused before anything is sent.
        var outcome = try RemoteVerbTests.accord(["report", "--remote", mission.url, "--token", admin, "--db", mission.path])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--remote asks a server and --db names a ledger file"), "\(outcome.stderr)")
        outcome = try RemoteVerbTests.accord(["report", "--token", admin, "--db", mission.path])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--token is for a server"), "\(outcome.stderr)")
        outcome = try RemoteVerbTests.accord(["report", "--remote", "ftp://example.org"])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        outcome = try RemoteVerbTests.accord(["report", "--remote", mission.url], environment: ["ACCORD_TOKEN": ""])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("no token"), "\(outcome.stderr)")
    }

    /// 401 and 403 are 77; a server that cannot be reached is 75.
    @Test func transportAndPermissionExitCodes() throws {
        let mission = try Mission()
        let viewer = try #require(mission.tokens["viewer"])
        var outcome = try RemoteVerbTests.accord(["report", "--remote", mission.url, "--token", "not-a-token"])
        #expect(outcome.status == 77, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("(401)"), "\(outcome.stderr)")
        // A viewer reads reports, not histories or the journal, and records nothing.
        outcome = try RemoteVerbTests.accord(["report", "--remote", mission.url, "--token", viewer])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for arguments in [["history", "UA-release"], ["audit"],
                          ["log", "UA-release", "--quantity", "1", "--observed", "2025-06-01", "--source", "ICRC"]] {
            outcome = try RemoteVerbTests.accord(arguments + ["--remote", mission.url, "--token", viewer])
            #expect(outcome.status == 77, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains("(403)"), "\(outcome.stderr)")
        }
        // The server stopped: its port refuses connections.
        let url = mission.url
        mission.server.signal(SIGTERM)
        #expect(mission.server.wait() == 0)
        for arguments in [["report"], ["log", "UA-release", "--quantity", "1", "--observed", "2025-06-01", "--source", "ICRC"], ["audit"]] {
            outcome = try RemoteVerbTests.accord(arguments + ["--remote", url, "--token", viewer])
            #expect(outcome.status == 75, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains("cannot reach \(url)"), "\(outcome.stderr)")
        }
    }

    /// The journal's size, read on the file.
    static func entries(_ mission: Mission) throws -> Int {
        let outcome = try LiveServer.accord(["journal", "export", "--db", mission.path])
        return outcome.stdout.split(separator: "\n").count
    }

    /// Log and breach over the server (unsigned with a plain token, signed
    /// here with a key-bound one), the local confirmations; then the
    /// server's journal audits clean remotely and the file audits clean.
    @Test func remoteWritesThenAudit() throws {
        let mission = try Mission()
        let (mon, kyiv, admin) = (try #require(mission.tokens["mon"]), try #require(mission.tokens["kyiv"]),
                                  try #require(mission.tokens["admin"]))
        let before = try RemoteVerbTests.entries(mission)
        let remote = ["--remote", mission.url]
        var outcome = try LiveServer.accord(["log", "UA-release", "--quantity", "7", "--observed", "2025-06-02", "--source", "ICRC",
                                             "--id", "r-1"] + remote + ["--token", mon])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let line = #"^Recorded entry \#(before + 1): verification of UA-release \(leaf [0-9a-f]{16}, tree \#(before + 1), root [0-9a-f]{16}\)\.\n$"#
        #expect(outcome.stderr.range(of: line, options: .regularExpression) != nil, "\(outcome.stderr)")
        // The same --id again: already recorded, nothing written, as on a file.
        outcome = try LiveServer.accord(["log", "UA-release", "--quantity", "7", "--observed", "2025-06-02", "--source", "ICRC",
                                         "--id", "r-1"] + remote + ["--token", mon])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.hasPrefix("Already recorded as entry \(before + 1); nothing written"), "\(outcome.stderr)")
        // Signed here with the key the token is bound to; the receipt as JSON on standard output.
        outcome = try LiveServer.accord(["log", "RU-release", "--quantity", "5", "--observed", "2025-06-03", "--source", "ICRC",
                                         "--id", "r-2", "--sign-with", mission.file("mon.key"), "--format", "json"]
                                        + remote + ["--token", kyiv])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let receipt = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect((receipt["seq"] as? Int) == before + 2 && (receipt["status"] as? String) == "recorded", "\(receipt)")
        // The key-bound token without the key: the server's refusal, 65, naming the field.
        outcome = try LiveServer.accord(["log", "RU-release", "--quantity", "5", "--observed", "2025-06-03", "--source", "ICRC"]
                                        + remote + ["--token", kyiv])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("[at /signature]"), "\(outcome.stderr)")
        // A breach with an evidence file hashed here, and a corroboration.
        let evidence = mission.file("photo.jpg")
        try Data("a photograph".utf8).write(to: URL(fileURLWithPath: evidence))
        outcome = try LiveServer.accord(["breach", "RU-no-strikes", "--observed", "2025-06-04", "--severity", "minor", "--source", "OSCE",
                                         "--evidence", evidence, "--sign-with", mission.file("mon.key")] + remote + ["--token", kyiv])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Recorded entry \(before + 3): breach of RU-no-strikes"), "\(outcome.stderr)")
        outcome = try LiveServer.accord(["log", "--corroborates", "r-1", "--source", "Reuters"] + remote + ["--token", mon])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Recorded entry \(before + 4): corroboration of r-1"), "\(outcome.stderr)")
        #expect(try RemoteVerbTests.entries(mission) == before + 4)

        // What the file holds: the signed entries' signer, the evidence's hash.
        let history = try Mission.ok(["history", String(before + 2), "--format", "json", "--db", mission.path])
        #expect(history.contains("\"actor\":\"kyiv\"") && history.contains("\"signer\":\"mon\""), "\(history)")
        let breaches = try Mission.ok(["export", "breaches", "--format", "ndjson", "--db", mission.path])
        // SHA-256 of "a photograph" (sha256sum): the file was hashed here, the server got only the hash.
        #expect(breaches.contains("\"evidence_sha256\":\"a249e87e1e6113da81cdd8a154c222283fbcceff6dd3727a63bf97eee562dfb3\""),
                "\(breaches)")

        // The served journal audits clean here, with the server's signed checkpoint; so does the file.
        outcome = try LiveServer.accord(["audit", "--remote", mission.url, "--token", admin])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("verified: \(before + 4) entries of the journal of \(mission.url); root "), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("server checkpoint: tree size \(before + 4), root "), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("signed (checked as an outside checkpoint); the journal's root at that size is the same"),
                "\(outcome.stdout)")
        #expect(outcome.stdout.contains("0 stored and 1 outside checkpoint(s)"), "\(outcome.stdout)")
        outcome = try LiveServer.accord(["audit", "--remote", mission.url, "--token", admin, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect((report["outcome"] as? String) == "verified" && (report["entries"] as? Int) == before + 4, "\(report)")
        outcome = try LiveServer.accord(["audit", "--db", mission.path])
        #expect(outcome.status == 0, "\(outcome.stdout)")
    }

    /// An invalid log over the server: the local exit code (65), the field
    /// named, nothing recorded; --actor is the file's, refused with 64.
    @Test func invalidRemoteLogNamesTheField() throws {
        let mission = try Mission()
        let mon = try #require(mission.tokens["mon"])
        let before = try RemoteVerbTests.entries(mission)
        let cases: [(arguments: [String], field: String)] = [
            (["log", "UA-release", "--quantity", "abc", "--observed", "2025-06-02", "--source", "ICRC"], "quantity"),
            (["log", "UA-release", "--quantity", "3", "--observed", "2025-02-30", "--source", "ICRC"], "observed"),
            (["log", "NOPE", "--quantity", "3", "--observed", "2025-06-02", "--source", "ICRC"], "commitment"),
            (["log", "UA-release", "--quantity", "3", "--observed", "2025-06-02", "--source", "ICRC", "--confidence", "sure"],
             "confidence"),
            (["breach", "RU-no-strikes", "--observed", "2025-06-02", "--severity", "awful", "--source", "ICRC"], "severity"),
            (["log", "UA-release", "--quantity", "3", "--observed", "2025-06-02", "--source", "ICRC",
              "--evidence-uri", "javascript:alert(1)"], "evidenceUri"),
        ]
        for (arguments, field) in cases {
            let local = try LiveServer.accord(arguments + ["--db", mission.path])
            let remote = try LiveServer.accord(arguments + ["--remote", mission.url, "--token", mon])
            #expect(local.status == 65, "\(arguments): \(local.stderr)")
            #expect(remote.status == local.status, "\(arguments): \(remote.stderr)")
            #expect(remote.stderr.contains("[at /\(field)]"), "\(arguments): \(remote.stderr)")
        }
        let actor = try LiveServer.accord(["log", "UA-release", "--quantity", "3", "--observed", "2025-06-02", "--source", "ICRC",
                                           "--actor", "someone", "--remote", mission.url, "--token", mon])
        #expect(actor.status == 64)
        #expect(actor.stderr.contains("--actor is for a ledger file"), "\(actor.stderr)")
        #expect(try RemoteVerbTests.entries(mission) == before)
    }

    /// ACCORD_REMOTE asks the server only when no ledger is named or here:
    /// --db, ACCORD_DB or an accord.sqlite in the directory keep the file.
    @Test func accordRemoteNeverTakesACommandFromALedger() throws {
        let mission = try Mission()
        let admin = try #require(mission.tokens["admin"])
        let directory = try TemporaryDirectory()
        let other = directory.path("other.sqlite")
        try Mission.ok(["init", "--db", other])
        func run(_ arguments: [String], _ environment: [String: String], in folder: String) throws -> LiveServer.Outcome {
            try LiveServer.accord(arguments, environment: environment, removing: environment["ACCORD_DB"] == nil ? ["ACCORD_DB"] : [],
                                  directory: folder)
        }
        let served = try Mission.ok(["report", "--format", "json", "--db", mission.path])
        let mine = try Mission.ok(["report", "--format", "json", "--db", other])
        #expect(served != mine)
        let env = ["ACCORD_REMOTE": mission.url, "ACCORD_TOKEN": admin]
        // No ledger named, none here: the server, saying so.
        var outcome = try run(["report", "--format", "json"], env, in: directory.url.path)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == served)
        #expect(outcome.stderr.contains("asking \(mission.url) (ACCORD_REMOTE)"), "\(outcome.stderr)")
        // --db, ACCORD_DB: the file.
        outcome = try run(["report", "--format", "json", "--db", other], env, in: directory.url.path)
        #expect(outcome.status == 0 && outcome.stdout == mine && outcome.stderr.isEmpty, "\(outcome.stderr)")
        outcome = try run(["report", "--format", "json"], env.merging(["ACCORD_DB": other]) { $1 }, in: directory.url.path)
        #expect(outcome.status == 0 && outcome.stdout == mine && outcome.stderr.isEmpty, "\(outcome.stderr)")
        // An accord.sqlite here: the file.
        try FileManager.default.copyItem(atPath: other, toPath: directory.path("accord.sqlite"))
        outcome = try run(["report", "--format", "json"], env, in: directory.url.path)
        #expect(outcome.status == 0 && outcome.stdout == mine && outcome.stderr.isEmpty, "\(outcome.stderr)")
        // --remote beats ACCORD_DB (the flag is explicit).
        outcome = try run(["report", "--format", "json", "--remote", mission.url], env.merging(["ACCORD_DB": other]) { $1 },
                          in: directory.url.path)
        #expect(outcome.status == 0 && outcome.stdout == served, "\(outcome.stderr)")
    }

    /// A served file whose journal was altered (entry 5's bytes given a
    /// trailing byte with sqlite3 while the server was stopped; the journal
    /// stores no leaf hash beside them since schema 18): `audit --remote`
    /// names the entry, exit 1. The file's own audit finds it too.
    @Test func remoteAuditFailsOnAnAlteredJournal() throws {
        let mission = try Mission()
        let admin = try #require(mission.tokens["admin"])
        var outcome = try LiveServer.accord(["audit", "--remote", mission.url, "--token", admin])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        mission.server.signal(SIGTERM)
        #expect(mission.server.wait() == 0)
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["sqlite3", "-bail", mission.path,
                            "DROP TRIGGER journal_no_update; UPDATE journal SET entry = CAST(entry || x'01' AS BLOB) WHERE seq = 5;"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        // Served with its checkpoint key, the server finds it itself as it signs: 500 tampered, exit 1.
        let reopened = try Mission(reopening: mission)
        outcome = try LiveServer.accord(["audit", "--remote", reopened.url, "--token", admin])
        #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: the server refused the request (500)"), "\(outcome.stderr)")
        reopened.server.signal(SIGTERM)
        #expect(reopened.server.wait() == 0)
        // Served without one, it hands the journal out as stored: the audit here names the entry.
        let plain = try LiveServer(db: mission.path, directory: mission.directory)
        let url = "http://127.0.0.1:\(plain.port)"
        outcome = try LiveServer.accord(["audit", "--remote", url, "--token", admin])
        #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("TAMPERED: entry 5: it cannot be decoded"),
                "\(outcome.stdout)")
        #expect(outcome.stdout.contains("in the journal of \(url)"), "\(outcome.stdout)")
        outcome = try LiveServer.accord(["audit", "--db", mission.path])
        #expect(outcome.status == 1, "\(outcome.stdout)")
    }
}
