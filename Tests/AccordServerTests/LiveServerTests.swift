import AccordLedger
import AccordServer
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `accord-server` as its own process on loopback, over real
/// sockets: every route by role, the report as the CLI prints it, group
/// commits under concurrent writers, and the refusal of a non-loopback address.
@Suite struct LiveServerTests {
    /// Every route over loopback: an allowed role succeeds, a role outside
    /// the route's roles gets 403 and writes nothing, no token gets 401.
    @Test func everyRouteOverLoopback() async throws {
        let fixture = try ServerFixture()
        let server = try LiveServer(db: fixture.path, directory: fixture.directory)
        let session = URLSession(configuration: .ephemeral)
        for route in Routes.all {
            let sample = SampleRequests.sample(route, 1)
            let send = { (token: String?) in
                await server.send(route.method.rawValue, sample.uri, sample.body, token: token, session: session,
                                  contentType: sample.contentType)
            }
            guard let roles = route.roles else {
                let answer = await send(nil)
                #expect(answer?.status == 200, "\(route.path): \(String(describing: answer))")
                continue
            }
            let anonymous = await send(nil)
            #expect(anonymous?.status == 401, "\(route.method) \(route.path) without a token: \(String(describing: anonymous))")
            if let outsider = TokenRole.allCases.first(where: { !roles.contains($0) }) {
                let before = try fixture.journalDigest()
                let refused = await send(fixture.tokens[outsider])
                #expect(refused?.status == 403, "\(route.method) \(route.path) as \(outsider): \(String(describing: refused))")
                #expect(try fixture.journalDigest() == before, "\(route.path) as \(outsider) was refused but wrote")
            }
            let role = try #require(TokenRole.allCases.first { roles.contains($0) })
            let answer = await send(fixture.tokens[role])
            #expect(answer.map { SampleRequests.succeeded(route, status: $0.status, body: $0.body) } == true,
                    "\(route.method) \(route.path) as \(role): \(String(describing: answer))")
        }
        server.signal(SIGTERM)
        #expect(server.wait() == 0, "\(server.log)")
        #expect(try Audit.run(path: fixture.path).outcome == .verified)
    }

    /// `GET /v1/report` is byte for byte `accord report --format json` with the same options.
    @Test func reportIsTheCommandLines() async throws {
        let fixture = try ServerFixture()
        let server = try LiveServer(db: fixture.path, directory: fixture.directory)
        let session = URLSession(configuration: .ephemeral)
        let answer = try #require(await server.send("GET", "/v1/report?at=2025-06-10&minConfidence=probable", token: fixture.tokens[.viewer],
                                                    session: session))
        #expect(answer.status == 200)
        let cli = try LiveServer.accord(["--db", fixture.path, "report", "--format", "json", "--at", "2025-06-10",
                                         "--min-confidence", "probable"])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.contains(#""commitments""#))
        #expect(answer.body.trimmingCharacters(in: .newlines) == cli.stdout.trimmingCharacters(in: .newlines))
        server.signal(SIGTERM)
        #expect(server.wait() == 0)
    }

    /// 32 clients posting at once, some also sending bad requests: every good
    /// post is acknowledged with its own seq, every bad one is refused alone
    /// (422), the seqs are the contiguous run the journal grew by, and the
    /// metrics show group commits: fewer transactions than requests.
    @Test func concurrentWritersShareTransactions() async throws {
        let fixture = try ServerFixture()
        let token = try #require(fixture.tokens[.monitor])
        let server = try LiveServer(db: fixture.path, directory: fixture.directory)
        let before = try Ledger.open(at: fixture.path, readOnly: true).consistencyProof(oldSize: 1).newSize
        let seqs = await withTaskGroup(of: [Int64].self) { group in
            for client in 0..<32 {
                group.addTask {
                    let session = URLSession(configuration: .ephemeral)
                    var seqs: [Int64] = []
                    for index in 0..<10 {
                        // Every fourth client also sends a bad request, which must fail alone.
                        if client % 4 == 3 {
                            let bad = #"{"commitment":"UA-release","quantity":"-1","observed":"2025-05-26","source":"Field"}"#
                            let refused = await server.post("/v1/verifications", bad, token: token, session: session)
                            if refused?.status != 422 { seqs.append(-1) }
                        }
                        let body = #"{"commitment":"UA-release","quantity":1,"observed":"2025-05-26","source":"Field","id":"c-\#(client)-\#(index)"}"#
                        if let answer = await server.post("/v1/verifications", body, token: token, session: session),
                           answer.status == 201, let seq = answer.seq {
                            seqs.append(seq)
                        }
                    }
                    return seqs
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(seqs.count == 320)
        #expect(Set(seqs) == Set((before + 1)...(before + 320)))
        let metrics = try #require(await server.send("GET", "/metrics", token: nil, session: URLSession(configuration: .ephemeral)))
        let count = LiveServerTests.metric("accord_group_commit_size_count", in: metrics.body)
        let sum = LiveServerTests.metric("accord_group_commit_size_sum", in: metrics.body)
        #expect(sum == 400, "\(metrics.body)")
        #expect(count.map { $0 < 400 } == true, "every request had its own transaction: \(String(describing: count))")
        server.signal(SIGTERM)
        #expect(server.wait() == 0)
        #expect(try Audit.run(path: fixture.path).outcome == .verified)
    }

    static func metric(_ name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
            .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    /// A non-loopback address is refused unless --insecure-http says the operator knows.
    @Test func nonLoopbackNeedsInsecureHTTP() throws {
        let fixture = try ServerFixture()
        let refused = try LiveServer.run([LiveServer.binary, "--db", fixture.path, "--listen", "0.0.0.0:0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--insecure-http"), "\(refused.stderr)")
        let server = try LiveServer(db: fixture.path, directory: fixture.directory,
                                    listen: "0.0.0.0:0", arguments: ["--insecure-http"])
        server.signal(SIGTERM)
        #expect(server.wait() == 0)
    }
}
