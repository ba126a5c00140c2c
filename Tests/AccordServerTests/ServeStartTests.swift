import Foundation
import Testing

/// How `accord-server` starts: what it refuses on the command line (exit 64)
/// and what it warns of (a new user's findings).
@Suite struct ServeStartTests {
    /// A non-loopback --listen without --insecure-http is a usage error, as other refused values are.
    @Test func aNonLoopbackListenIsAUsageError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mission.sqlite")
        #expect(try LiveServer.accord(["demo", "--db", path]).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: LiveServer.binary)
        process.arguments = ["--db", path, "--listen", "0.0.0.0:0"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 64, "\(text)")
        #expect(text.contains("--listen 0.0.0.0: tokens would cross the network in clear"), "\(text)")
    }

    /// A --checkpoint-key that is no admin key starts the server, which says at once what it cannot do with it.
    @Test func aCheckpointKeyThatIsNoAdminKeyIsWarnedOf() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mission.sqlite")
        for arguments in [["demo", "--db", path], ["key", "generate", "--out", directory.path("kyiv.key")],
                          ["key", "register", "kyiv", "--public", directory.path("kyiv.key.pub"), "--db", path]] {
            let outcome = try LiveServer.accord(arguments)
            #expect(outcome.status == 0, "\(arguments): \(outcome.stderr)")
        }
        let server = try LiveServer(db: path, directory: directory, arguments: ["--checkpoint-key", directory.path("kyiv.key")])
        #expect(server.log.contains("--checkpoint-key cannot sign receipts") && server.log.contains("clones take the definitions unproved"),
                "\(server.log)")
        server.signal(SIGTERM)
        #expect(server.wait() == 0)
    }
}
