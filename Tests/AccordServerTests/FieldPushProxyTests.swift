import AccordLedger
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The issue's heavy test, through connections cut mid-body: two field
/// ledgers cloned from one server log 500 entries each offline — some with
/// the same external ids as the other's (the same statement by the same
/// monitor; other content; the same content by another monitor), some
/// corroborating records the other ledger holds too, one logged after a
/// definition was amended centrally and pulled — and push, each through its
/// own loopback proxy that cuts connections in the middle of the request's
/// body or of the receipts (seeded, the seed printed; `ACCORD_PROXY_SEED`
/// runs the same cuts again), pushing again until nothing is pending. The
/// mission ledger holds each entry once; an id given by both ledgers is
/// recorded once, and the other ledger's entry comes back refused with the
/// reason (unless it is the same statement, which both get a receipt for);
/// every receipt verified; the three ledgers pass `accord audit`.
@Suite struct FieldPushProxyTests {
    static let shared = (same: 20, conflicting: 10, otherMonitor: 10)

    /// Verification rows: `ids` of UA-release, each of `quantity`.
    static func rows(_ ids: [String], quantity: Int = 1) -> String {
        ids.map { "verification,\($0),UA-release,\(quantity),2025-05-30,ICRC,\n" }.joined()
    }

    /// Corroboration rows of the records `targets`, by source UN.
    static func corroborations(_ targets: [String]) -> String {
        targets.map { "corroboration,,,,,UN,\($0)\n" }.joined()
    }

    static let header = "kind,id,commitment,quantity,observed,source,corroborates\n"

    static func names(_ prefix: String, _ count: Int) -> [String] { (1...count).map { "\(prefix)-\($0)" } }

    /// One row of `accord push --status --format json`.
    struct Status {
        var id: String
        var kind: String
        var state: String
        var missionSeq: Int?
        var reason: String?
    }

    static func status(_ field: String) throws -> [Status] {
        let text = try FieldServerTests.Mission.ok(["push", "--status", "--format", "json", "--db", field])
        let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] ?? []
        return rows.map {
            Status(id: $0["id"] as? String ?? "", kind: $0["kind"] as? String ?? "", state: $0["state"] as? String ?? "",
                   missionSeq: ($0["mission_seq"] as? NSNumber)?.intValue, reason: $0["reason"] as? String)
        }
    }

    @Test func pushesThroughConnectionsCutMidBody() async throws {
        let seed = ProcessInfo.processInfo.environment["ACCORD_PROXY_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        print("FieldPushProxyTests: ACCORD_PROXY_SEED=\(seed)")
        let mission = try FieldServerTests.Mission(monitors: ["mon2"])
        let token = try #require(mission.tokens["mon"])
        let north = mission.file("north.sqlite"), south = mission.file("south.sqlite")
        for field in [north, south] {
            try FieldServerTests.Mission.ok(["clone", mission.url, "--token", token, "--db", field])
        }
        let same = Self.names("same", Self.shared.same)
        let conflicting = Self.names("conflict", Self.shared.conflicting)
        let other = Self.names("other", Self.shared.otherMonitor)
        // North: 440 of its own, the three kinds of shared ids (all by mon), and 20 corroborations
        // (by mon2) of its own records — the first ones, so that they refer across bundles.
        let northOwn = Self.names("n", 440)
        try Self.load(north, mission, signer: "mon", Self.rows(northOwn + same + other) + Self.rows(conflicting, quantity: 1))
        try Self.load(north, mission, signer: "mon2", Self.corroborations(Array(northOwn.prefix(20))))
        // South: 429 of its own, the same statements as north's (mon), other quantities under north's
        // conflicting ids (mon), north's other ids with the same content by mon2; corroborations by mon2
        // of the records north holds too (same-*, other-*); then, after an amendment made centrally and
        // pulled, one more.
        let southOwn = Self.names("s", 429)
        try Self.load(south, mission, signer: "mon", Self.rows(southOwn + same) + Self.rows(conflicting, quantity: 2))
        try Self.load(south, mission, signer: "mon2", Self.rows(other) + Self.corroborations(same + other))
        let admin = try #require(mission.tokens["admin"])
        let amended = await mission.server.post(
            "/v1/amendments", #"{"subject":"party","id":"UA","effective":"2025-06-01","reason":"Renamed","name":"Ukraine (field)"}"#,
            token: admin, session: URLSession(configuration: .ephemeral))
        #expect(amended?.status == 201, "\(String(describing: amended))")
        let pulled = try LiveServer.accord(["pull", "--token", token, "--db", south])
        #expect(pulled.status == 0 && pulled.stderr.contains("Pulled 1 definition"), "\(pulled.stderr)")
        try mission.log(south, id: "s-after-amendment")
        for field in [north, south] { #expect(try Self.status(field).count == 500) }
        let before = try Self.missionIDs(mission)

        // Each field ledger pushes through its own proxy (so that its cuts follow from the seed
        // alone), both at once, again until one push ends with nothing left.
        let proxies = try [north, south].enumerated().map { index, _ in
            try CuttingProxy(upstream: mission.server.port, seed: seed &+ UInt64(index))
        }
        defer { for proxy in proxies { proxy.stop() } }
        var done = [false, false]
        var stuck = false
        var rounds = 0
        while done.contains(false), rounds < 80 {
            rounds += 1
            var pushes: [Process?] = []
            for (index, field) in [north, south].enumerated() {
                pushes.append(done[index] ? nil : try FieldPushFaultTests.start(
                    ["push", "--token", token, "--remote", proxies[index].url, "--batch", "50", "--db", field]))
            }
            for (index, push) in pushes.enumerated() {
                guard let push else { continue }
                push.waitUntilExit()
                // 0: all answered; 75: cut off, nothing lost, push again. Nothing else.
                #expect([0, 75].contains(push.terminationStatus), "push exited \(push.terminationStatus); \(proxies[index])")
                if push.terminationStatus != 75 { done[index] = true }
                if ![0, 75].contains(push.terminationStatus) { stuck = true }
            }
        }
        for proxy in proxies {
            print("FieldPushProxyTests: \(proxy)")
            // The cuts happened, both ways (connections 0 and 1 are always cut).
            #expect(proxy.cutCounts.request > 0 && proxy.cutCounts.response > 0, "\(proxy)")
        }
        let context = "\(proxies[0]) / \(proxies[1])"
        guard !stuck else { return }
        let rows = try [north, south].map { try Self.status($0) }
        for (index, field) in rows.enumerated() {
            #expect(field.filter { $0.state == "pending" }.isEmpty, "field \(index) still has entries pending; \(context)")
            #expect(field.count == 500)
        }
        let (n, s) = (Dictionary(grouping: rows[0], by: \.id), Dictionary(grouping: rows[1], by: \.id))
        func one(_ rows: [String: [Status]], _ id: String) -> Status? { rows[id]?.count == 1 ? rows[id]?.first : nil }

        // The same statement by the same monitor: recorded once, both ledgers have a receipt for that entry.
        for id in same {
            let (a, b) = (one(n, id), one(s, id))
            #expect(a?.state == "accepted" && b?.state == "accepted" && a?.missionSeq == b?.missionSeq && a?.missionSeq != nil,
                    "\(id): \(String(describing: a)) \(String(describing: b))")
        }
        // The same id with other content, or the same content by another monitor: one ledger's entry is
        // recorded, the other's refused, saying why.
        for id in conflicting + other {
            let (a, b) = (try #require(one(n, id)), try #require(one(s, id)))
            #expect(Set([a.state, b.state]) == ["accepted", "refused"], "\(id): \(a) \(b)")
            let reason = (a.state == "refused" ? a : b).reason ?? ""
            let expected = id.hasPrefix("conflict") ? "id \(id) already exists" : "id \(id) is already recorded here"
            #expect(reason.contains(expected), "\(id): \(reason)")
        }
        // South's corroborations: of a record north holds too, recorded against the one mission entry;
        // of south's own record that the mission refused (north's id), not sent or refused with it.
        let southCorroborations = rows[1].filter { $0.kind == "corroboration" }
        #expect(southCorroborations.count == same.count + other.count)
        for (index, corroboration) in southCorroborations.enumerated() {
            let target = (same + other)[index]
            let record = try #require(one(s, target))
            #expect(corroboration.state == record.state, "a corroboration of \(target): \(corroboration) (record: \(record))")
            if record.state == "refused" {
                #expect(corroboration.reason?.contains("not sent: it refers to local entry") == true
                        || corroboration.reason?.contains("same bundle") == true, "\(corroboration)")
            }
        }
        #expect(try #require(one(s, "s-after-amendment")).state == "accepted")
        #expect(rows[0].filter { $0.kind == "corroboration" }.allSatisfy { $0.state == "accepted" })

        // The mission: each entry once — what the two ledgers had accepted, each id once, nothing else new.
        mission.server.signal(SIGTERM)
        #expect(mission.server.wait() == 0)
        let after = try Self.missionIDs(mission)
        let repeated = Dictionary(grouping: after, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(repeated.isEmpty, "ids recorded more than once: \(repeated.prefix(10))")
        let accepted = Set((rows[0] + rows[1]).filter { $0.state == "accepted" }.map(\.id))
        #expect(Set(after).subtracting(before) == accepted)
        #expect(accepted.count == 2 * 500 - same.count - (conflicting.count + other.count)
                    - southCorroborations.filter { $0.state == "refused" }.count)
        // Every signature (the mission's and the field ledgers'), every stored receipt's inclusion proof
        // against its signed checkpoint (check receipts, on a field ledger), every chain: accord audit.
        for path in [mission.path, north, south] {
            let audit = try LiveServer.accord(["audit", "--db", path])
            #expect(audit.status == 0, "\(path): \(audit.stdout) \(audit.stderr)")
        }
    }

    /// Imports `rows` (after the header) into `field`, signed with key `signer`.
    static func load(_ field: String, _ mission: FieldServerTests.Mission, signer: String, _ rows: String) throws {
        let file = mission.file("rows-\(UUID().uuidString).csv")
        try Data((header + rows).utf8).write(to: URL(fileURLWithPath: file))
        try FieldServerTests.Mission.ok(["import", file, "--sign-with", mission.file("\(signer).key"), "--quiet", "--db", field])
    }

    /// The ids of the mission ledger's records and corroborations, one a row (read on the file).
    static func missionIDs(_ mission: FieldServerTests.Mission) throws -> [String] {
        let exported = try LiveServer.accord(["export", "verifications", "--format", "ndjson", "--db", mission.path]).stdout
        return exported.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
    }
}
