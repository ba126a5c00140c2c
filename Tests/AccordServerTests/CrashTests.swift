@testable import AccordLedger
import AccordStorage
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// R8 for the server: 8 clients post evidence (resending ids, as a field
/// client retries), the server is killed with SIGKILL mid-load, or stopped
/// with SIGTERM, and restarted. Every entry that got a 201 or a 200 is there
/// at its acknowledged seq, no id is recorded twice, and the audit verifies.
@Suite(.serialized) struct CrashTests {
    /// What the clients were told, by external id: the acknowledged seq, or
    /// nil when no answer came (the outcome is unknown).
    actor Acknowledgements {
        var acknowledged: [String: Int64] = [:]
        var unknown: Set<String> = []
        var problems: [String] = []

        func record(_ id: String, _ answer: LiveServer.Answer?) {
            guard let answer else {
                if acknowledged[id] == nil { unknown.insert(id) }
                return
            }
            guard answer.status == 201 || answer.status == 200, let seq = answer.seq else {
                problems.append("\(id): \(answer.status) \(answer.body)")
                return
            }
            if let earlier = acknowledged[id], earlier != seq { problems.append("\(id): acknowledged at \(earlier) and at \(seq)") }
            acknowledged[id] = seq
            unknown.remove(id)
        }
    }

    static func body(_ id: String) -> String {
        #"{"commitment":"UA-release","quantity":1,"observed":"2025-05-26","source":"Field","sourceKind":"monitor","id":"\#(id)"}"#
    }

    /// Eight clients posting until `stop` says so; every third request resends an id already sent.
    static func load(_ server: LiveServer, token: String, acks: Acknowledgements, prefix: String,
                     until stop: @escaping @Sendable () -> Bool) async {
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    let session = URLSession(configuration: .ephemeral)
                    var sent: [String] = []
                    var index = 0
                    while !stop() && index < 400 {
                        let id = (index % 3 == 2 && !sent.isEmpty) ? sent[sent.count - 1] : "\(prefix)-\(client)-\(index)"
                        if !sent.contains(id) { sent.append(id) }
                        let answer = await server.post("/v1/verifications", body(id), token: token, session: session)
                        await acks.record(id, answer)
                        if answer == nil { break }
                        index += 1
                    }
                }
            }
        }
    }

    /// Checks the ledger against what the clients were told.
    static func verify(_ path: String, _ acks: Acknowledgements) async throws {
        let acknowledged = await acks.acknowledged
        let problems = await acks.problems
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        let ledger = try Ledger.open(at: path, readOnly: true)
        var seqs: [String: Int64] = [:]
        var rows = 0
        try ledger.database.forEach("SELECT external_id, seq FROM verifications WHERE external_id LIKE 'r8-%' OR external_id LIKE 'term-%'") { row in
            rows += 1
            seqs[row.text(0)] = row.int64(1)
        }
        #expect(rows == seqs.count, "an id was recorded twice")
        for (id, seq) in acknowledged {
            #expect(seqs[id] == seq, "\(id) was acknowledged at \(seq) but the ledger has \(String(describing: seqs[id]))")
        }
        let report = try Audit.run(path: path)
        #expect(report.outcome == .verified, "\(report.findings.prefix(3))")
    }

    @Test func killNineMidLoad() async throws {
        let fixture = try ServerFixture()
        let token = try #require(fixture.tokens[.monitor])
        let acks = Acknowledgements()
        let first = try LiveServer(db: fixture.path, directory: fixture.directory)
        let killed = Flag()
        async let loading: Void = CrashTests.load(first, token: token, acks: acks, prefix: "r8") { killed.isSet }
        // Let the load build up, then kill the server without warning.
        while await acks.acknowledged.count < 60 { try await Task.sleep(for: .milliseconds(20)) }
        first.signal(SIGKILL)
        killed.set()
        _ = first.wait()
        await loading
        #expect(await acks.acknowledged.count >= 60)

        // Restarted, the server answers every id again: acknowledged ones with
        // their seq (200), unknown ones as new (201) or already there (200).
        let second = try LiveServer(db: fixture.path, directory: fixture.directory)
        let session = URLSession(configuration: .ephemeral)
        for id in await Array(acks.acknowledged.keys) + Array(acks.unknown) {
            let answer = await second.post("/v1/verifications", CrashTests.body(id), token: token, session: session)
            await acks.record(id, answer)
        }
        #expect(await acks.unknown.isEmpty)
        second.signal(SIGTERM)
        #expect(second.wait() == 0, "\(second.log)")
        try await CrashTests.verify(fixture.path, acks)
    }

    @Test func sigtermFinishesInFlightRequests() async throws {
        let fixture = try ServerFixture()
        let token = try #require(fixture.tokens[.monitor])
        let acks = Acknowledgements()
        let server = try LiveServer(db: fixture.path, directory: fixture.directory)
        let stopped = Flag()
        async let loading: Void = CrashTests.load(server, token: token, acks: acks, prefix: "term") { stopped.isSet }
        while await acks.acknowledged.count < 60 { try await Task.sleep(for: .milliseconds(20)) }
        server.signal(SIGTERM)
        let status = server.wait()
        stopped.set()
        await loading
        #expect(status == 0, "accord-server exited with \(String(describing: status)): \(server.log)")
        try await CrashTests.verify(fixture.path, acks)
    }
}

/// A flag set once, read from any task.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
