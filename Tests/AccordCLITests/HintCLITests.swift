import Foundation
import Testing

/// Common mistakes get an error that says what to do instead.
@Suite("Errors that point at the fix")
struct HintCLITests {
    @Test("a JSON Lines file named .csv is refused with a hint to pass --format jsonl")
    func jsonLinesNamedCSV() throws {
        let (dir, accord) = try BriefCLITests.demo()
        try Data(#"{"id":"a","commitment":"UA-release","quantity":"1","observed":"2025-06-01","source":"S"}"#.utf8)
            .write(to: URL(fileURLWithPath: dir.path("rows.csv")))
        let outcome = try accord(["import", "rows.csv", "--db", "demo.sqlite"])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("pass --format jsonl"), "\(outcome.stderr)")
        let fixed = try accord(["import", "rows.csv", "--format", "jsonl", "--db", "demo.sqlite"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    @Test("signing with the public key file names the private one")
    func publicKeyGivenToSign() throws {
        let (_, accord) = try BriefCLITests.demo()
        try accord.ok("key", "generate", "--out", "monitor.key")
        try accord.ok("key", "register", "monitor", "--public", "monitor.key.pub", "--db", "demo.sqlite")
        let outcome = try accord(["checkpoint", "--key", "monitor.key.pub", "--db", "demo.sqlite"])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.hasPrefix("Error: monitor.key.pub is a public key; sign with the private key file"), "\(outcome.stderr)")
    }

    @Test("an unusable actor taken from the environment says where it came from and how to override it")
    func actorFromEnvironment() throws {
        let (_, accord) = try BriefCLITests.demo()
        let outcome = try accord(["party", "add", "XX", "--name", "X", "--db", "demo.sqlite"],
                                 extraEnvironment: ["ACCORD_ACTOR": "", "USER": "bad\tname"])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("(the actor comes from $USER; pass --actor NAME or set ACCORD_ACTOR)"), "\(outcome.stderr)")
    }

    @Test("registering a key file that does not exist says how to make one")
    func missingKeyFile() throws {
        let (_, accord) = try BriefCLITests.demo()
        let outcome = try accord(["key", "register", "monitor", "--public", "monitor.key.pub", "--db", "demo.sqlite"])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("make a key pair with `accord key generate --out FILE`"), "\(outcome.stderr)")
    }
}
