import AccordLedger
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `accord serve`: runs `accord-server`, installed beside `accord`. The server
/// is its own executable so that every other command stays free of NIO and
/// Hummingbird (their start-up cost; docs/PERFORMANCE.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the ledger over HTTP to a team, with roles by token (runs accord-server; see accord serve --help).")

    @Argument(parsing: .captureForPassthrough, help: "Options for accord-server: --db, --listen, --insecure-http, …")
    var arguments: [String] = []

    func run() throws {
        guard let server = ServeCommand.serverPath() else {
            throw CommandFailure(message: "accord-server was not found beside accord or on PATH; build it with "
                                     + "`swift build -c release --product accord-server` and install it beside accord",
                                 exitCode: ExitCode32.failure.rawValue)
        }
        let argv = [server] + arguments
        var cArguments = argv.map { strdup($0) }
        cArguments.append(nil)
        execv(server, &cArguments)
        throw CommandFailure(message: "cannot run \(server): \(String(cString: strerror(errno)))", exitCode: ExitCode32.failure.rawValue)
    }

    /// `accord-server` in the folder of this executable, else on PATH.
    static func serverPath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            let me = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let slash = me.lastIndex(of: "/") {
                let candidate = String(me[..<slash]) + "/accord-server"
                if access(candidate, X_OK) == 0 { return candidate }
            }
        }
        for folder in (environment("PATH") ?? "").split(separator: ":") {
            let candidate = "\(folder)/accord-server"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
