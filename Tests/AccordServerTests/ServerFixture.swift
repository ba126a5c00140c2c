import AccordLedger
import AccordPresentation
import AccordServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

/// The demo ledger with a token for each role and the records the review
/// routes need, served by an in-process application.
final class ServerFixture: @unchecked Sendable {
    let directory: TemporaryDirectory
    let path: String
    /// A token of each role, by role.
    var tokens: [TokenRole: String] = [:]

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path("mission.sqlite")
        let recorder = Recorder(actor: "setup")
        let ledger = try Demo.create(at: path, force: false, as: recorder)
        for role in TokenRole.allCases {
            tokens[role] = try ledger.issueToken(TokenInput(name: "\(role.rawValue)-1", role: role.rawValue), as: recorder).secret
        }
        for index in 1...4 {
            var input = VerificationInput(commitment: "UA-release", observed: "2025-05-26",
                                          source: SourceInput(name: "Fixture \(index)", kind: "monitor"))
            input.quantity = "1"
            input.externalID = "fx-\(index)"
            _ = try ledger.log(input, as: recorder)
        }
        _ = try ledger.dispute("fx-4", by: "RU", reason: "contested", source: nil, as: recorder)
        // A new counted breach after the demo's answered trigger: one invocation can answer it.
        var breach = BreachInput(commitment: "RU-no-strikes", observed: "2025-06-20", severity: "major",
                                 source: SourceInput(name: "UN HRMMU", kind: "monitor"))
        breach.externalID = "fx-breach"
        _ = try ledger.recordBreach(breach, as: recorder)
        for index in 1...8 {
            _ = try ledger.issueToken(TokenInput(name: "victim-\(index)", role: "viewer"), as: recorder)
        }
    }

    func application(limits: ServerLimits = ServerLimits()) async throws -> (some ApplicationProtocol, EngineAdapter) {
        let service = try EngineAdapter(path: path)
        var configuration = ServerConfiguration(database: path)
        configuration.limits = limits
        configuration.limits.rate = 0
        return (try await AccordServer.application(service: service, configuration: configuration, logger: ServerFixture.logger),
                service)
    }

    /// Request logs only when something goes wrong.
    static let logger: Logger = {
        var logger = Logger(label: "accord.server.test")
        logger.logLevel = .warning
        return logger
    }()

    /// The tree size and root: what a refused request must leave unchanged.
    func journalDigest() throws -> String {
        let ledger = try Ledger.open(at: path, readOnly: true)
        let proof = try ledger.consistencyProof(oldSize: 1)
        return "\(proof.newSize) \(proof.newRoot.hex)"
    }
}

/// A request that a route's allowed role makes successfully, fresh each time
/// (`n` makes ids unique).
enum SampleRequests {
    struct Sample {
        var uri: String
        var body: String?
        var contentType = "application/json"
    }

    static func sample(_ route: Route, _ n: Int) -> Sample {
        switch (route.method, route.path) {
        case (.post, "/v1/parties"): Sample(uri: route.path, body: #"{"id":"P\#(n)","name":"Party \#(n)","kind":"group"}"#)
        case (.post, "/v1/agreements"): Sample(uri: route.path, body: #"{"id":"A\#(n)","title":"Talks \#(n)","date":"2025-05-20"}"#)
        case (.post, "/v1/commitments"):
            Sample(uri: route.path, body: #"{"id":"C\#(n)","agreement":"istanbul-2025","party":"UA","action":true,"due":"2025-07-01"}"#)
        case (.post, "/v1/guarantees"):
            Sample(uri: route.path, body: #"{"id":"G\#(n)","guarantor":"US","covers":["UA-no-strikes"],"consequence":"Sanctions","respondWithinDays":7}"#)
        case (.post, "/v1/amendments"):
            Sample(uri: route.path, body: #"{"subject":"party","id":"UA","effective":"2025-06-01","reason":"Renamed","name":"Ukraine \#(n)"}"#)
        case (.post, "/v1/verifications"):
            Sample(uri: route.path, body: #"{"commitment":"UA-release","quantity":2,"observed":"2025-05-27","source":"ICRC","sourceKind":"monitor","id":"v-\#(n)"}"#)
        case (.post, "/v1/breaches"):
            Sample(uri: route.path, body: #"{"commitment":"RU-no-strikes","observed":"2025-06-21","severity":"minor","source":"OSCE","id":"b-\#(n)"}"#)
        case (.post, "/v1/corroborations"): Sample(uri: route.path, body: #"{"corroborates":"fx-1","source":"Source \#(n)"}"#)
        case (.post, "/v1/invocations"): Sample(uri: route.path, body: #"{"guarantee":"US-sanctions","date":"2025-06-22","note":"Package \#(n)"}"#)
        case (.post, "/v1/corrections"): Sample(uri: route.path, body: #"{"entry":"fx-1","reason":"Miscounted","quantity":\#(n + 10)}"#)
        case (.post, "/v1/retractions"): Sample(uri: route.path, body: #"{"entry":"fx-2","reason":"Withdrawn by the source"}"#)
        case (.post, "/v1/disputes"): Sample(uri: route.path, body: #"{"entry":"fx-3","by":"RU","reason":"Denied"}"#)
        case (.post, "/v1/adjudications"): Sample(uri: route.path, body: #"{"entry":"fx-4","ruling":"upheld","reason":"Two sources"}"#)
        case (.post, "/v1/import"):
            Sample(uri: route.path, body: "id,commitment,quantity,observed,source\nimp-\(n),UA-release,1,2025-05-28,ICRC\n",
                   contentType: "text/csv")
        case (.post, "/v1/tokens"): Sample(uri: route.path, body: #"{"name":"t-\#(n)","role":"viewer"}"#)
        case (.delete, "/v1/tokens/{name}"): Sample(uri: "/v1/tokens/victim-\(n)", body: nil)
        case (.get, "/v1/commitments/{id}"): Sample(uri: "/v1/commitments/UA-release?at=2025-06-10", body: nil)
        case (.get, "/v1/history/{entry}"): Sample(uri: "/v1/history/fx-1", body: nil)
        case (.get, "/v1/export/{table}"): Sample(uri: "/v1/export/verifications?format=ndjson", body: nil)
        case (.get, "/v1/brief"): Sample(uri: "/v1/brief?format=markdown&at=2025-06-10", body: nil)
        case (.get, "/v1/report"): Sample(uri: "/v1/report?at=2025-06-10", body: nil)
        case (.get, "/v1/proofs/inclusion"): Sample(uri: "/v1/proofs/inclusion?seq=2", body: nil)
        case (.get, "/v1/proofs/consistency"): Sample(uri: "/v1/proofs/consistency?old=3", body: nil)
        case (.get, "/v1/bundles/definitions"): Sample(uri: "/v1/bundles/definitions?after=3", body: nil)
        case (.post, "/v1/bundles"): Sample(uri: route.path, body: "{}")
        default: Sample(uri: route.path, body: nil)
        }
    }

    /// Whether an allowed role's sample succeeded: 2xx; for `POST /v1/bundles`,
    /// which needs a server with `--checkpoint-key` (the fixture's has none),
    /// its 409 `unconfigured`, given only once the role is let through
    /// (FieldServerTests pushes real bundles).
    static func succeeded(_ route: Route, status: Int, body: String) -> Bool {
        if route.method == .post, route.path == "/v1/bundles" {
            return status == 409 && body.contains("urn:accord:problem:unconfigured")
        }
        return (200..<300).contains(status)
    }
}

extension Route.Method {
    var http: HTTPRequest.Method {
        switch self {
        case .get: .get
        case .post: .post
        case .delete: .delete
        }
    }
}

extension TestClientProtocol {
    func send(_ route: Route, _ sample: SampleRequests.Sample, token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if sample.body != nil { headers[.contentType] = sample.contentType }
        return try await execute(uri: sample.uri, method: route.method.http, headers: headers,
                                 body: sample.body.map { ByteBuffer(string: $0) })
    }
}
