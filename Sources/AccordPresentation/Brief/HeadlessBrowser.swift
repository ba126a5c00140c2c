#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AccordFiles
import AccordLedger

/// Headless Chromium, found on this machine, for printing a briefing to PDF
/// (and for screenshots in tests). The browser runs as a child process in
/// its own process group, with its output sent to a log file (never a pipe
/// that could fill), and is killed if it runs past a time limit.
public struct HeadlessBrowser: Sendable {
    /// The browser's executable.
    public let path: String

    /// The Chromium (or Chrome) executable at `path`.
    public init(path: String) {
        self.path = path
    }

    /// Executable names tried on `PATH`, best first.
    public static let names = ["chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// What to do when no browser is found.
    public static let installAdvice = "install headless Chromium with `apt-get install chromium-headless-shell` "
        + "(Debian and Ubuntu; the `chromium` package also works), or set ACCORD_CHROMIUM to the path of a Chromium or Chrome binary"

    /// Finds a browser: `ACCORD_CHROMIUM` when set, else the first of ``names``
    /// on `PATH`, else one inside `/usr/lib/chromium*`.
    /// - Throws: ``LedgerError`` `.failure` saying how to install one.
    public static func locate() throws -> HeadlessBrowser {
        let env = { (name: String) in getenv(name).map { String(cString: $0) } }
        return try locate(override: env("ACCORD_CHROMIUM"), searchPath: env("PATH") ?? "/usr/bin:/bin",
                          libraryDirectory: "/usr/lib")
    }

    /// Finds a browser from the given override, search path and library
    /// directory (the parts of the environment ``locate()`` reads).
    /// - Throws: ``LedgerError`` `.failure` saying how to install one.
    public static func locate(override: String?, searchPath: String, libraryDirectory: String) throws -> HeadlessBrowser {
        if let override, !override.isEmpty {
            guard isExecutable(override) else {
                throw LedgerError(.failure, "ACCORD_CHROMIUM=\(override) is not an executable file; point it at a Chromium or Chrome binary, or unset it and \(installAdvice)")
            }
            return HeadlessBrowser(path: override)
        }
        for name in names {
            for directory in searchPath.split(separator: ":") where !directory.isEmpty {
                let candidate = "\(directory)/\(name)"
                if isExecutable(candidate) { return HeadlessBrowser(path: candidate) }
            }
        }
        for directory in subdirectories(of: libraryDirectory, prefix: "chromium") {
            for name in ["chromium-headless-shell", "headless_shell", "chromium", "chrome"] {
                let candidate = "\(directory)/\(name)"
                if isExecutable(candidate) { return HeadlessBrowser(path: candidate) }
            }
        }
        throw LedgerError(.failure, "--pdf needs headless Chromium and none was found on PATH or in \(libraryDirectory)/chromium*; \(installAdvice)")
    }

    static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    static func subdirectories(of directory: String, prefix: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var found: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(prefix) { found.append("\(directory)/\(name)") }
        }
        return found.sorted()
    }

    /// Prints the HTML file at `html` to a PDF at `pdf` (A4, as its CSS asks,
    /// no browser header or footer), through a temporary file renamed into place.
    /// - Throws: ``LedgerError`` `.failure` when the browser fails, times out or
    ///   writes something that is not a PDF; no file is left at `pdf`.
    public func printPDF(html: String, to pdf: String, timeoutSeconds: Int = 120) throws {
        try render(html: html, to: pdf, flags: ["--no-pdf-header-footer", "--print-to-pdf-no-header"],
                   outputFlag: "--print-to-pdf", magic: Array("%PDF".utf8), what: "a PDF", timeoutSeconds: timeoutSeconds)
    }

    /// Renders the HTML file at `html` to a PNG screenshot of `width`×`height` CSS pixels.
    /// - Throws: ``LedgerError`` `.failure`; no file is left at `png`.
    public func screenshot(html: String, to png: String, width: Int = 794, height: Int = 1123, scale: Double = 1,
                           timeoutSeconds: Int = 120) throws {
        try render(html: html, to: png,
                   flags: ["--window-size=\(width),\(height)", "--hide-scrollbars", "--force-device-scale-factor=\(scale)"],
                   outputFlag: "--screenshot", magic: [0x89, 0x50, 0x4e, 0x47], what: "a PNG", timeoutSeconds: timeoutSeconds)
    }

    private func render(html: String, to output: String, flags: [String], outputFlag: String, magic: [UInt8],
                        what: String, timeoutSeconds: Int) throws {
        let (descriptor, temporary) = try AtomicFile.makeTemporary(near: output)
        close(descriptor)
        let log = temporary + ".log"
        defer { unlink(log) }
        var arguments = [path, "--headless", "--disable-gpu", "--disable-extensions", "--no-first-run",
                         "--disable-dev-shm-usage", "--mute-audio"]
        if geteuid() == 0 { arguments.append("--no-sandbox") }
        arguments += flags
        arguments.append("\(outputFlag)=\(temporary)")
        arguments.append(HeadlessBrowser.fileURL(HeadlessBrowser.absolute(html)))
        do {
            let status = try HeadlessBrowser.run(arguments, log: log, timeoutSeconds: timeoutSeconds)
            guard status == 0 else {
                throw LedgerError(.failure, "headless Chromium (\(path)) \(status < 0 ? "was killed after \(timeoutSeconds) s" : "exited with status \(status)")"
                    + " while making \(what)\(HeadlessBrowser.lastLine(of: log).map { ": \($0)" } ?? ""); no \(output) was written")
            }
            guard HeadlessBrowser.starts(temporary, with: magic) else {
                throw LedgerError(.failure, "headless Chromium (\(path)) did not produce \(what)\(HeadlessBrowser.lastLine(of: log).map { ": \($0)" } ?? ""); no \(output) was written")
            }
        } catch {
            unlink(temporary)
            throw error
        }
        try AtomicFile.commit(temporary, to: output)
    }

    /// Runs a program with stdin from /dev/null and stdout and stderr to
    /// `log`; returns its exit status, or -1 when it was killed at the time limit.
    static func run(_ arguments: [String], log: String, timeoutSeconds: Int) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a stuck browser and its helpers can be killed together.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw LedgerError(.failure, "cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        let deadline = monotonicSeconds() + Double(timeoutSeconds)
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { return -1 }
            if monotonicSeconds() > deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return -1
            }
            usleep(20_000)
        }
        // Exited normally: the exit code; killed by a signal: -1.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
    }

    static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return String(nulTerminated: buffer) + "/" + path
    }

    /// A `file://` URL for an absolute path, percent-encoding all but unreserved bytes and `/`.
    static func fileURL(_ path: String) -> String {
        var url = "file://"
        for byte in path.utf8 {
            let isUnreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "/")
            if isUnreserved {
                url.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF")
                url += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xf)])
            }
        }
        return url
    }

    static func starts(_ path: String, with magic: [UInt8]) -> Bool {
        let handle = open(path, O_RDONLY)
        guard handle >= 0 else { return false }
        defer { close(handle) }
        var buffer = [UInt8](repeating: 0, count: magic.count)
        let count = read(handle, &buffer, buffer.count)
        return count == magic.count && buffer == magic
    }

    /// The last non-empty line of a log file, shortened.
    static func lastLine(of path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var last: String?
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(nulTerminated: line).trimmingTrailingNewline()
            if !text.isEmpty { last = text }
        }
        return last.map { BriefText.truncated($0, 300) }
    }
}

private extension String {
    func trimmingTrailingNewline() -> String {
        var text = self
        while let last = text.last, last == "\n" || last == "\r" { text.removeLast() }
        return text
    }
}
