import AccordLedger
@testable import AccordServer
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Field ledgers over loopback: `accord clone URL`, offline logs, `push`
/// (twice: nothing twice), `pull` after a central amendment, `sync`, and how
/// the server's refusals come out as exit codes. The built `accord` and
/// `accord-server` run as a user runs them.
@Suite struct FieldServerTests {
    /// A demo mission ledger with keys `mon` and `mission` (admin) registered, tokens
    /// `mon` (monitor), `admin` (admin), `viewer` and `reviewer`, served with `--checkpoint-key mission.key`.
    final class Mission {
        let directory: TemporaryDirectory
        let path: String
        var tokens: [String: String] = [:]
        let server: LiveServer

        /// `monitors`: more keys registered (and their files written) beside mon's.
        init(checkpointKey: Bool = true, arguments extra: [String] = [], monitors: [String] = [],
             environment: [String: String] = [:]) throws {
            directory = try TemporaryDirectory()
            path = directory.path("mission.sqlite")
            try Mission.ok(["demo", "--db", path])
            for name in ["mon", "mission"] + monitors {
                try Mission.ok(["key", "generate", "--out", directory.path("\(name).key")])
            }
            // Key mon also signs for kyiv, the monitor's token bound to it (on a ledger with admin keys a key signs only
            // as the actors it was registered for).
            try Mission.ok(["key", "register", "mon", "--public", directory.path("mon.key.pub"), "--for", "kyiv", "--db", path])
            for name in monitors {
                try Mission.ok(["key", "register", name, "--public", directory.path("\(name).key.pub"), "--db", path])
            }
            for (name, role) in [("mon", "monitor"), ("admin", "admin"), ("viewer", "viewer"), ("reviewer", "reviewer")] {
                tokens[name] = try Mission.ok(["token", "issue", "--role", role, "--name", name, "--db", path])
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            // A monitor's token bound to key mon, named otherwise (issued before the server starts: it reads them then).
            tokens["kyiv"] = try Mission.ok(["token", "issue", "--role", "monitor", "--name", "kyiv", "--key", "mon", "--db", path])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            // The mission's checkpoint key is its (first) admin key: field ledgers take receipts signed by no other.
            try Mission.ok(["key", "admin", "--public", directory.path("mission.key.pub"), "--db", path])
            let arguments = (checkpointKey ? ["--checkpoint-key", directory.path("mission.key")] : []) + extra
            server = try LiveServer(db: path, directory: directory, arguments: arguments, environment: environment)
        }

        /// The same ledger, keys and tokens, served again on a new port (after a kill).
        init(reopening old: Mission) throws {
            directory = old.directory
            path = old.path
            tokens = old.tokens
            server = try LiveServer(db: path, directory: directory, arguments: ["--checkpoint-key", directory.path("mission.key")])
        }

        var url: String { "http://127.0.0.1:\(server.port)" }
        func file(_ name: String) -> String { directory.path(name) }

        @discardableResult
        static func ok(_ arguments: [String]) throws -> String {
            let outcome = try LiveServer.accord(arguments)
            guard outcome.status == 0 else {
                throw LiveServer.StartFailure(description: "accord \(arguments.joined(separator: " ")): \(outcome.status) \(outcome.stderr)")
            }
            return outcome.stdout
        }

        /// A signed verification of UA-release logged offline on a field ledger.
        func log(_ field: String, id: String, quantity: Int = 3) throws {
            try Mission.ok(["log", "UA-release", "--quantity", String(quantity), "--observed", "2025-05-30", "--source", "ICRC",
                            "--id", id, "--sign-with", file("mon.key"), "--db", field])
        }

        /// How many entries of the mission ledger hold external id `id` (read on the file).
        func count(of id: String) throws -> Int {
            let rows = try LiveServer.accord(["export", "verifications", "--format", "ndjson", "--db", path]).stdout
            return rows.split(separator: "\n").filter { $0.contains("\"\(id)\"") }.count
        }

        func states(_ field: String) throws -> [String] {
            let text = try Mission.ok(["push", "--status", "--format", "json", "--db", field])
            let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] ?? []
            return rows.compactMap { $0["state"] as? String }
        }
    }

    @Test func cloneLogPushPullSync() async throws {
        let mission = try Mission()
        let field = mission.file("field.sqlite")
        let token = try #require(mission.tokens["mon"])
        var outcome = try LiveServer.accord(["clone", mission.url, "--token", token, "--db", field])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Cloned the mission ledger"), "\(outcome.stderr)")

        try mission.log(field, id: "f-1")
        try mission.log(field, id: "f-2", quantity: 4)
        outcome = try LiveServer.accord(["push", "--token", token, "--batch", "1", "--db", field])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("in 2 bundles. Stored 2 receipts"), "\(outcome.stderr)")
        #expect(try mission.states(field) == ["accepted", "accepted"])
        outcome = try LiveServer.accord(["push", "--token", token, "--db", field])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Nothing to push"), "\(outcome.stderr)")
        #expect(try mission.count(of: "f-1") == 1)
        #expect(try mission.count(of: "f-2") == 1)

        // A definition amended centrally comes in with pull.
        let session = URLSession(configuration: .ephemeral)
        let amended = await mission.server.post(
            "/v1/amendments", #"{"subject":"party","id":"UA","effective":"2025-06-01","reason":"Renamed","name":"Ukraine (field)"}"#,
            token: try #require(mission.tokens["admin"]), session: session)
        #expect(amended?.status == 201, "\(String(describing: amended))")
        outcome = try LiveServer.accord(["pull", "--token", token, "--db", field])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Pulled 1 definition"), "\(outcome.stderr)")

        // sync = pull (nothing new) then push; the token from ACCORD_TOKEN is never stored.
        try mission.log(field, id: "f-3")
        outcome = try LiveServer.accord(["sync", "--db", field], environment: ["ACCORD_TOKEN": token])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Pulled 0 definitions"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Stored 1 receipt"), "\(outcome.stderr)")
        #expect(try mission.count(of: "f-3") == 1)
        let fieldBytes = try #require(FileManager.default.contents(atPath: field))
        #expect(fieldBytes.range(of: Data(token.utf8)) == nil, "the token is stored in the field ledger")

        mission.server.signal(SIGTERM)
        #expect(mission.server.wait() == 0, "\(mission.server.log)")
        #expect(try LiveServer.accord(["audit", "--db", mission.path]).status == 0)
        #expect(try LiveServer.accord(["audit", "--db", field]).status == 0)
    }

    /// A reviewer's field ledger: `clone --evidence` adopts the monitors' evidence as read-only copies (its report is
    /// the mission's), a dispute made offline on one reaches the mission's record, `pull` brings what came since.
    @Test func reviewerCloneOverHTTP() async throws {
        let mission = try Mission(monitors: ["rev"])
        let token = try #require(mission.tokens["mon"])
        let field = mission.file("field.sqlite"), reviewer = mission.file("reviewer.sqlite")
        #expect(try LiveServer.accord(["clone", mission.url, "--token", token, "--db", field]).status == 0)
        try mission.log(field, id: "f-1")
        try mission.log(field, id: "f-2", quantity: 4)
        #expect(try LiveServer.accord(["push", "--token", token, "--db", field]).status == 0)

        var outcome = try LiveServer.accord(["clone", mission.url, "--token", token, "--evidence", "--db", reviewer])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // The demo's evidence and the monitor's two records.
        let demo = try Mission.ok(["journal", "export", "--db", mission.path]).split(separator: "\n")
            .filter { line in ["\"verification\"", "\"breach\"", "\"corroboration\"", "\"correction\"", "\"retraction\"",
                               "\"dispute\"", "\"adjudication\"", "\"void\""].contains { line.contains("\"kind\":\($0)") } }.count
        #expect(outcome.stderr.contains("adopted \(demo) entries of the mission's evidence as read-only copies"), "\(demo) \(outcome.stderr)")
        func commitments(_ db: String) throws -> [String] {
            let text = try Mission.ok(["report", "--at", "2025-06-30", "--format", "json", "--db", db])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let rows = try #require(report["commitments"] as? [[String: Any]])
            return rows.map { "\($0["id"] ?? "") \($0["verified"] ?? "-") \($0["status"] ?? "")" }
        }
        #expect(try commitments(reviewer) == (try commitments(mission.path)))
        #expect(try mission.states(reviewer).isEmpty, "adopted copies are not the reviewer's to push")

        // A dispute made offline on a monitor's record, then sync with the reviewer's token: pull (nothing new) and push.
        try Mission.ok(["dispute", "f-1", "--by", "RU", "--reason", "three, not two", "--actor", "rev", "--sign-with",
                        mission.file("rev.key"), "--db", reviewer])
        outcome = try LiveServer.accord(["sync", "--token", try #require(mission.tokens["reviewer"]), "--db", reviewer])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("adopted 0 entries") && outcome.stderr.contains("Stored 1 receipt"), "\(outcome.stderr)")
        let history = try Mission.ok(["history", "f-1", "--db", mission.path])
        #expect(history.contains("three, not two"), "\(history)")

        // What the monitor pushes later comes in with the reviewer's next pull.
        try mission.log(field, id: "f-3")
        #expect(try LiveServer.accord(["push", "--token", token, "--db", field]).status == 0)
        outcome = try LiveServer.accord(["pull", "--token", token, "--db", reviewer])
        #expect(outcome.stderr.contains("adopted 1 entry of the mission's evidence"), "\(outcome.stderr)")
        outcome = try LiveServer.accord(["audit", "--db", reviewer])
        #expect(outcome.status == 0 && outcome.stdout.contains("\(demo + 1) adopted copies of the mission's evidence"), "\(outcome.stdout)")
        #expect(try commitments(reviewer) == (try commitments(mission.path)))

        // Over HTTP the evidence is handed over only proved: a server whose --checkpoint-key is not an admin key
        // (here: none) refuses it (409 unconfigured), and `clone --evidence` exits 69 as for any server so set up, leaving no file.
        let plain = try Mission(checkpointKey: false)
        let refused = await plain.server.send("GET", "/v1/bundles/definitions?evidence=true", token: try #require(plain.tokens["mon"]),
                                                     session: URLSession(configuration: .ephemeral))
        #expect(refused?.status == 409, "\(String(describing: refused))")
        outcome = try LiveServer.accord(["clone", plain.url, "--token", try #require(plain.tokens["mon"]), "--evidence",
                                         "--db", plain.file("r.sqlite")])
        #expect(outcome.status == 69 && outcome.stderr.contains("only proved"), "\(outcome.status) \(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: plain.file("r.sqlite")))
    }

    /// A push records only the kinds of entries its token's role records over
    /// the routes: a monitor's token cannot dispute, rule on, correct, retract
    /// or void anyone's records by pushing them (each is refused alone, with
    /// the reason), a reviewer's cannot log evidence; the mission's report is
    /// unchanged by what was refused.
    @Test func aPushRecordsWhatTheTokensRoleMay() async throws {
        let mission = try Mission(monitors: ["rev"])
        let monitor = try #require(mission.tokens["mon"]), reviewer = try #require(mission.tokens["reviewer"])
        let field = mission.file("field.sqlite")
        #expect(try LiveServer.accord(["clone", mission.url, "--token", monitor, "--evidence", "--db", field]).status == 0)
        func commitments() throws -> [String] {
            let text = try Mission.ok(["report", "--at", "2025-06-30", "--format", "json", "--db", mission.path])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return try #require(report["commitments"] as? [[String: Any]]).map { "\($0["id"] ?? "") \($0["status"] ?? "")" }
        }
        let before = try commitments()
        let entries = try Mission.ok(["journal", "export", "--db", mission.path]).split(separator: "\n").count
        let sign = ["--sign-with", mission.file("rev.key"), "--db", field]
        for review in [["dispute", "hrmmu-2025-06-01", "--by", "RU", "--reason", "denies", "--source", "RU MoD"],
                       ["adjudicate", "hrmmu-2025-06-01", "--rejected", "--reason", "no"],
                       ["retract", "icrc-2025-05-23-RU", "--reason", "x"],
                       ["void", "icrc-2025-05-24-RU", "--reason", "x"],
                       ["correct", "icrc-2025-05-25-RU", "--quantity", "3", "--reason", "x"]] {
            try Mission.ok(review + sign)
        }
        try mission.log(field, id: "f-1")
        var outcome = try LiveServer.accord(["push", "--token", monitor, "--db", field])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try mission.states(field) == ["refused", "refused", "refused", "refused", "refused", "accepted"])
        let status = try Mission.ok(["push", "--status", "--db", field])
        #expect(status.contains("a monitor's token does not push dispute entries (only verification, breach, corroboration): "
                                + "a reviewer's or an admin's token records them"), "\(status)")
        #expect(try mission.count(of: "f-1") == 1)
        #expect(try Mission.ok(["journal", "export", "--db", mission.path]).split(separator: "\n").count == entries + 1)
        #expect(try commitments() == before && before.contains("RU-no-strikes breached"), "\(before)")

        // The same entries from another field ledger, pushed with a reviewer's token: recorded; its evidence is not.
        let second = mission.file("second.sqlite")
        #expect(try LiveServer.accord(["clone", mission.url, "--token", reviewer, "--evidence", "--db", second]).status == 0)
        try Mission.ok(["dispute", "hrmmu-2025-06-01", "--by", "RU", "--reason", "denies", "--source", "RU MoD", "--sign-with",
                        mission.file("rev.key"), "--db", second])
        try mission.log(second, id: "f-2")
        try Mission.ok(["bundle", "--out", mission.file("lost.json"), "--db", second])
        outcome = try LiveServer.accord(["push", "--token", reviewer, "--db", second])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try mission.states(second) == ["accepted", "refused"])
        // The same bundle again (its answer lost), with a monitor's token: the dispute recorded is answered as recorded.
        let again = try #require(await mission.server.post("/v1/bundles", try String(contentsOfFile: mission.file("lost.json"),
                                                                                              encoding: .utf8),
                                                           token: monitor, session: URLSession(configuration: .ephemeral)))
        #expect(again.status == 200 && !again.body.contains("does not push dispute"), "\(again.body.prefix(600))")
        #expect(try Mission.ok(["push", "--status", "--db", second]).contains("a reviewer's token does not push verification entries"))
        #expect(try mission.count(of: "f-2") == 1, "the monitor's token recorded the verification the reviewer's could not")
        #expect(try Mission.ok(["history", "hrmmu-2025-06-01", "--db", mission.path]).contains("denies"))
        #expect(try LiveServer.accord(["audit", "--db", mission.path]).status == 0)
    }

    /// POST /v1/bundles with one altered byte: 422 naming the entry, nothing written; the same bundle intact: 200 twice.
    @Test func tamperedBundleOverHTTP() async throws {
        let mission = try Mission()
        let field = mission.file("field.sqlite")
        let token = try #require(mission.tokens["mon"])
        try Mission.ok(["clone", mission.url, "--token", token, "--db", field])
        try mission.log(field, id: "f-1")
        try Mission.ok(["bundle", "--out", mission.file("push.json"), "--db", field])
        let intact = try String(contentsOfFile: mission.file("push.json"), encoding: .utf8)
        let claim = try #require(intact.range(of: "\"claim\": \""))
        let at = intact.index(claim.upperBound, offsetBy: 20)
        let tampered = intact.replacingCharacters(in: at...at, with: intact[at] == "A" ? "B" : "A")
        let session = URLSession(configuration: .ephemeral)
        let refused = try #require(await mission.server.post("/v1/bundles", tampered, token: token, session: session))
        #expect(refused.status == 422, "\(refused.body)")
        #expect(refused.body.contains("urn:accord:problem:invalid") && refused.body.contains("/entries/0"), "\(refused.body)")
        #expect(refused.body.contains("\"pointer\":\"/entries/0/claim\""), "the problem points at the altered claim: \(refused.body)")
        #expect(try mission.count(of: "f-1") == 0)
        for _ in 1...2 {
            let applied = try #require(await mission.server.post("/v1/bundles", intact, token: token, session: session))
            #expect(applied.status == 200, "\(applied.body)")
            #expect(applied.body.contains("accord-receipts"), "\(applied.body)")
        }
        #expect(try mission.count(of: "f-1") == 1)
    }

    /// A push larger than the server's --max-import: 65, saying to carry a bundle; nothing recorded.
    @Test func aPushOverTheCap() async throws {
        let mission = try Mission(arguments: ["--max-import", "300"])
        let field = mission.file("field.sqlite")
        let token = try #require(mission.tokens["mon"])
        try Mission.ok(["clone", mission.url, "--token", token, "--db", field])
        try mission.log(field, id: "f-1")
        let outcome = try LiveServer.accord(["push", "--token", token, "--db", field])
        #expect(outcome.status == 65, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("(413)") && outcome.stderr.contains("accord bundle --out"), "\(outcome.stderr)")
        #expect(try mission.states(field) == ["pending"])
        #expect(try mission.count(of: "f-1") == 0)
    }

    /// Unsigned entries are recorded only as the pushing token's own, and
    /// never through a token bound to a key; signed ones through either.
    @Test func unsignedEntriesAreTheTokensOwn() async throws {
        let mission = try Mission()
        let bound = try #require(mission.tokens["kyiv"])
        let unbound = try #require(mission.tokens["mon"])
        let first = mission.file("first.sqlite"), second = mission.file("second.sqlite")
        for field in [first, second] {
            try Mission.ok(["clone", mission.url, "--token", unbound, "--db", field])
            try Mission.ok(["log", "UA-release", "--quantity", "1", "--observed", "2025-05-30", "--source", "ICRC", "--id",
                            "u-\(field.hasSuffix("first.sqlite") ? 1 : 2)", "--actor", "kyiv", "--db", field])
            try mission.log(field, id: "s-\(field.hasSuffix("first.sqlite") ? 1 : 2)")
        }
        // Bound to key mon: kyiv's unsigned entry is refused, mon's signed one recorded.
        var outcome = try LiveServer.accord(["push", "--token", bound, "--db", first])
        #expect(outcome.status == 0, "\(outcome.stderr) \(mission.server.log)")
        #expect(try mission.states(first) == ["refused", "accepted"])
        // Unbound, named mon: kyiv's unsigned entry is not the token's own.
        outcome = try LiveServer.accord(["push", "--token", unbound, "--db", second])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try mission.states(second) == ["refused", "accepted"])
        #expect(try mission.count(of: "u-1") == 0 && mission.count(of: "u-2") == 0)
        #expect(try mission.count(of: "s-1") == 1 && mission.count(of: "s-2") == 1)
    }

    /// A bundle refused whole points where the engine says, in the bundle;
    /// without that, nowhere (never at a body member named as the engine's field).
    @Test func aRefusedBundlePointsAtTheEntry() {
        let error = LedgerError(.invalid(.signature), "the bundle, at /entries/3/signature: altered")
        #expect(Problem(EngineAdapter.bundleRefusal(error.pointing(at: "/entries/3/signature"))).pointer == "/entries/3/signature")
        #expect(Problem(EngineAdapter.bundleRefusal(error)).pointer == nil)
        #expect(Problem(EngineAdapter.serviceError(error)).pointer == "/signature")
    }

    @Test func refusalsAsExitCodes() async throws {
        let mission = try Mission(checkpointKey: false)
        let field = mission.file("field.sqlite")
        // A bad token: 77, and no file.
        var outcome = try LiveServer.accord(["clone", mission.url, "--token", "accord_not-a-token", "--db", field])
        #expect(outcome.status == 77, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: the server refused the request (401)"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: field))
        // A viewer may not read the definitions: 77.
        outcome = try LiveServer.accord(["clone", mission.url, "--token", try #require(mission.tokens["viewer"]), "--db", field])
        #expect(outcome.status == 77, "\(outcome.stderr)")

        let token = try #require(mission.tokens["mon"])
        outcome = try LiveServer.accord(["clone", mission.url + "/", "--token", token, "--db", field])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        try mission.log(field, id: "f-1")
        // No --checkpoint-key: the server cannot sign receipts (409 unconfigured → 69); the entry stays pending.
        outcome = try LiveServer.accord(["push", "--token", token, "--db", field])
        #expect(outcome.status == 69, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--checkpoint-key"), "\(outcome.stderr)")
        #expect(try mission.states(field) == ["pending"])
        #expect(try mission.count(of: "f-1") == 0)
        // Nothing listens: 75.
        mission.server.signal(SIGTERM)
        #expect(mission.server.wait() == 0)
        outcome = try LiveServer.accord(["push", "--token", token, "--db", field])
        #expect(outcome.status == 75, "\(outcome.stderr)")
        #expect(try mission.states(field) == ["pending"])
    }
}
