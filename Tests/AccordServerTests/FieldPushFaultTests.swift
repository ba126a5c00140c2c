import AccordLedger
import AccordServer
import Foundation
import Testing

/// Two field ledgers push many entries to one server that is killed
/// (SIGKILL) in the middle of their pushes and restarted, again and again,
/// until both have nothing left to push: the mission ledger holds each entry
/// once, every receipt was verified (every entry is accepted), and the three
/// ledgers pass `accord audit`.
@Suite struct FieldPushFaultTests {
    static let perField = 500

    /// `count` verifications as import rows, ids `prefix-N`.
    static func rows(_ prefix: String, count: Int) -> String {
        var text = "id,commitment,quantity,observed,source\n"
        for index in 1...count { text += "\(prefix)-\(index),UA-release,1,2025-05-30,ICRC\n" }
        return text
    }

    /// The ids of `rows(prefix, count:)`.
    static func ids(_ prefix: String, count: Int) -> Set<String> {
        Set((1...count).map { "\(prefix)-\($0)" })
    }

    @Test func pushesSurviveAKilledServer() async throws {
        var mission = try FieldServerTests.Mission()
        let token = try #require(mission.tokens["mon"])
        let fields = ["north", "south"].map { mission.file("\($0).sqlite") }
        for (index, field) in fields.enumerated() {
            try FieldServerTests.Mission.ok(["clone", mission.url, "--token", token, "--db", field])
            let rows = mission.file("rows-\(index).csv")
            try Data(Self.rows(index == 0 ? "n" : "s", count: Self.perField).utf8).write(to: URL(fileURLWithPath: rows))
            try FieldServerTests.Mission.ok(["import", rows, "--sign-with", mission.file("mon.key"), "--quiet", "--db", field])
        }
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var rounds = 0
        while rounds < 40 {
            rounds += 1
            let pending = try fields.map { try mission.states($0).filter { $0 != "accepted" }.count }
            if pending.allSatisfy({ $0 == 0 }) { break }
            // Both push at once; the server is killed after a random moment in the first rounds.
            let pushes = try fields.map { field in try Self.start(["push", "--token", token, "--remote", mission.url, "--batch", "60", "--db", field]) }
            if kills < 3 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...400, using: &generator)))
                mission.server.signal(SIGKILL)
                _ = mission.server.wait()
                kills += 1
            }
            for push in pushes {
                push.waitUntilExit()
                // 0: done; 75: cut off, try again; nothing else.
                #expect([0, 75].contains(push.terminationStatus), "push exited \(push.terminationStatus)")
            }
            if !mission.server.process.isRunning {
                mission = try mission.restarted()
            }
        }
        #expect(kills > 0)
        for field in fields {
            #expect(try mission.states(field).allSatisfy { $0 == "accepted" }, "\(field) still has entries pending")
        }
        mission.server.signal(SIGTERM)
        #expect(mission.server.wait() == 0)
        // Each entry once: the distinct ids of both ledgers, no more.
        let exported = try LiveServer.accord(["export", "verifications", "--format", "ndjson", "--db", mission.path]).stdout
        let ids = exported.split(separator: "\n").compactMap { line -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["id"] as? String
        }
        let expected = Self.ids("n", count: Self.perField).union(Self.ids("s", count: Self.perField))
        let pushed = ids.filter { expected.contains($0) }
        #expect(pushed.count == expected.count, "\(pushed.count) entries for \(expected.count) ids")
        #expect(Set(pushed) == expected)
        for path in [mission.path] + fields {
            let audit = try LiveServer.accord(["audit", "--db", path])
            #expect(audit.status == 0, "\(path): \(audit.stdout) \(audit.stderr)")
        }
    }

    /// Starts `accord ARGUMENTS` without waiting; its output is dropped.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: LiveServer.binary).deletingLastPathComponent().appendingPathComponent("accord")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

extension FieldServerTests.Mission {
    /// The same mission ledger served again (after a kill), on a new port.
    func restarted() throws -> FieldServerTests.Mission {
        try FieldServerTests.Mission(reopening: self)
    }
}
