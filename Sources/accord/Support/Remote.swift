import AccordFiles
import AccordLedger
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--token` and `--remote`, for the commands that talk to a mission's server.
struct RemoteOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A token of the mission's server (default: $ACCORD_TOKEN); never stored.", valueName: "token"))
    var token: String?

    /// The token: --token, else ACCORD_TOKEN.
    /// - Throws: ``CommandFailure`` (64) when there is none.
    func resolvedToken() throws -> String {
        guard let token = token ?? environment("ACCORD_TOKEN") else {
            throw CommandFailure(message: "no token: pass --token TOKEN or set ACCORD_TOKEN (`accord token issue` makes one "
                                     + "on the mission ledger)", exitCode: ExitCode32.usage.rawValue)
        }
        return token
    }
}

/// HTTP for the command line. `accord` does not link an HTTP client (nor
/// NIO, TLS): each request runs `accord-server client METHOD URL`,
/// the server's executable, installed beside `accord` (docs/ARCHITECTURE.md,
/// "The HTTP client"), with the token in its environment, the body on its
/// standard input and the answer's body read from its standard output. A
/// refusal is its `Error: …` line, already on standard error, and its exit code.
enum Remote {
    /// `base` without trailing slashes, then `path`.
    static func url(_ base: String, _ path: String) -> String {
        var base = Substring(base)
        while base.hasSuffix("/") { base = base.dropLast() }
        return base + path
    }

    /// Sends one request and returns the body of its 2xx answer.
    /// - Throws: `ExitCode` with the client's code when the request failed
    ///   (it has said why); ``CommandFailure`` when the client cannot be run.
    static func request(_ method: String, _ url: String, token: String, body: [UInt8]? = nil) throws -> [UInt8] {
        try start(method, url, token: token, body: body).finish()
    }

    /// Starts one request: the client has its whole body when this returns,
    /// and the answer is read by ``Pending/finish()`` (meanwhile this process
    /// can do other work).
    /// - Throws: ``CommandFailure`` when the client cannot be run.
    static func start(_ method: String, _ url: String, token: String, body: [UInt8]? = nil) throws -> Pending {
        guard let server = ServeCommand.serverPath() else {
            throw CommandFailure(message: "accord-server was not found beside accord or on PATH, and it makes accord's HTTP "
                                     + "requests; install it beside accord (`swift build -c release --product accord-server`)",
                                 exitCode: ExitCode32.failure.rawValue)
        }
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1]
        guard makePipe(&input) else { throw spawnFailure(server) }
        guard makePipe(&output) else {
            close(input[0]); close(input[1])
            throw spawnFailure(server)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        let argv = [server, "client", method, url]
        var cArguments = argv.map { strdup($0) }
        cArguments.append(nil)
        var cEnvironment = environmentWith(token: token).map { strdup($0) }
        cEnvironment.append(nil)
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, server, &actions, nil, &cArguments, &cEnvironment)
        close(input[0])
        close(output[1])
        guard spawned == 0 else {
            close(input[1]); close(output[0])
            throw spawnFailure(server, code: spawned)
        }
        // The body, whole: the client reads all of its input before it sends anything.
        // A client that exits early closes its input: that is an EPIPE here, not a SIGPIPE that kills accord.
        let previous = signal(SIGPIPE, SIG_IGN)
        _ = systemWriteAll(input[1], body ?? [])
        close(input[1])
        signal(SIGPIPE, previous)
        return Pending(pid: pid, output: output[0])
    }

    /// A request whose client runs: its answer is still to be read.
    struct Pending {
        let pid: pid_t
        let output: Int32

        /// Reads the answer and waits for the client.
        /// - Throws: `ExitCode` with the client's code when the request failed (it has said why).
        func finish() throws -> [UInt8] {
            var answer: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                answer.append(contentsOf: buffer[0..<count])
            }
            close(output)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let exited = status & 0x7f == 0
            let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            if code != 0 {
                if !exited { printError("Error: accord-server client was stopped by signal \(status & 0x7f)") }
                throw ExitCode(code)
            }
            return answer
        }

        /// Stops the client without reading its answer (the command failed
        /// meanwhile). What the server did with the request is found out by
        /// the next run: a pushed entry is recorded once however often it is sent.
        func abandon() {
            kill(pid, SIGTERM)
            close(output)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }

    /// A pipe whose ends are closed on exec (the client gets only the ends it is given as 0 and 1).
    static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// This process's environment with `ACCORD_TOKEN` set to `token`.
    static func environmentWith(token: String) -> [String] {
        var result: [String] = []
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if !text.hasPrefix("ACCORD_TOKEN=") { result.append(text) }
            pointer += 1
        }
        result.append("ACCORD_TOKEN=" + token)
        return result
    }

    static func spawnFailure(_ server: String, code: Int32 = errno) -> CommandFailure {
        CommandFailure(message: "cannot run \(server): \(String(cString: strerror(code)))", exitCode: ExitCode32.failure.rawValue)
    }
}
