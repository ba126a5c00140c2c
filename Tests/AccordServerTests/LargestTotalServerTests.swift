import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A write that would take a commitment's quantities past the largest total
/// is refused alone, before it is written: the other requests the server
/// records with it in one transaction are recorded (a reviewer's finding
/// on the first version, which refused at the transaction's end, every
/// request of the group with it).
@Suite struct LargestTotalServerTests {
    @Test func aWritePastTheLargestTotalIsRefusedAlone() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mission.sqlite")
        func ok(_ arguments: [String]) throws -> String {
            let outcome = try LiveServer.accord(arguments, environment: ["ACCORD_NOW": "2025-07-01T12:00:00Z"])
            guard outcome.status == 0 else { throw LiveServer.StartFailure(description: "\(arguments): \(outcome.stderr)") }
            return outcome.stdout
        }
        _ = try ok(["demo", "--db", path])
        _ = try ok(["commitment", "add", "TINY", "--agreement", "istanbul-2025", "--party", "UA", "--quantity", "0.000001",
                    "--decimals", "6", "--unit", "t", "--due", "2025-06-30", "--db", path])
        // 10^18 units less one largest quantity: one more fits, two do not.
        let rows = "commitment,quantity,observed,source\n" + (0..<999).map { "TINY,1000000000,2025-06-01,S\($0)\n" }.joined()
        try rows.write(toFile: directory.path("near.csv"), atomically: true, encoding: .utf8)
        _ = try ok(["import", directory.path("near.csv"), "--db", path])
        let token = try ok(["token", "issue", "--role", "monitor", "--name", "mon", "--db", path])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try LiveServer(db: path, directory: directory)
        let session = URLSession(configuration: .ephemeral)
        let answers = await withTaskGroup(of: (String, LiveServer.Answer?).self) { group in
            for index in 0..<12 {
                let commitment = index < 2 ? "TINY" : "UA-release"
                let body = #"{"commitment":"\#(commitment)","quantity":\#(index < 2 ? "1000000000" : "1"),"observed":"2025-06-02","source":"S\#(index)"}"#
                group.addTask { (commitment, await server.post("/v1/verifications", body, token: token, session: session)) }
            }
            var all: [(String, LiveServer.Answer?)] = []
            for await answer in group { all.append(answer) }
            return all
        }
        let tiny = answers.filter { $0.0 == "TINY" }.map { $0.1?.status ?? 0 }.sorted()
        #expect(tiny == [201, 422], "\(answers.map { "\($0.0) \($0.1?.status ?? 0) \($0.1?.body.prefix(200) ?? "")" })")
        let refused = answers.first { $0.0 == "TINY" && $0.1?.status == 422 }?.1?.body ?? ""
        #expect(refused.contains("\"pointer\":\"/quantity\"") && refused.contains("1,000,000,000,000 t"), "\(refused)")
        #expect(answers.filter { $0.0 == "UA-release" }.allSatisfy { $0.1?.status == 201 },
                "\(answers.map { "\($0.0) \($0.1?.status ?? 0) \($0.1?.body.prefix(200) ?? "")" })")
        server.signal(SIGTERM)
        _ = server.wait()
        #expect(try LiveServer.accord(["audit", "--db", path]).status == 0)
    }
}
