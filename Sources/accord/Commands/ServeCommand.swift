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
        ServeCommand.closeInheritedDescriptorsOnExec()
        let argv = [server] + arguments
        var cArguments = argv.map { strdup($0) }
        cArguments.append(nil)
        execv(server, &cArguments)
        throw CommandFailure(message: "cannot run \(server): \(String(cString: strerror(errno)))", exitCode: ExitCode32.failure.rawValue)
    }

    /// Marks every descriptor above standard error close-on-exec, so that the
    /// server holds none it inherited: a long-running server that kept, say,
    /// the pipe or socket its launcher watches for its child's exit would keep
    /// that launcher waiting for as long as it runs.
    static func closeInheritedDescriptorsOnExec() {
        guard let directory = opendir("/proc/self/fd") else { return }
        var descriptors: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name), fd > 2, fd != dirfd(directory) { descriptors.append(fd) }
        }
        closedir(directory)
        for fd in descriptors {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
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
