#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks on the raw command line made before swift-argument-parser sees it.
///
/// The parser takes `CommandLine.arguments`, which the standard library decodes
/// with repair: bytes that are not UTF-8 silently become U+FFFD, so a source
/// name would be stored altered and `--db` would name another file. And the
/// parser lets a single-valued option be given twice, keeping the last value,
/// so `--quantity 5 --quantity 6` would record 6 without a word. Both are
/// refused here as usage errors.
enum ArgumentChecks {
    /// Options that may be given more than once (the parser's repeating
    /// options; a test compares this list with `--experimental-dump-help`).
    static let repeatable: Set<String> = ["--depends-on", "--covers", "--checkpoint", "--trusted-key", "--map", "--set", "--where", "--for"]

    /// Every flag (an option that takes no value); a test compares this list
    /// with `--experimental-dump-help`. Any other `--name` takes a value.
    static let flags: Set<String> = [
        "--action", "--allow-unsigned", "--bom", "--done", "--dry-run", "--evidence", "--force", "--full", "--help", "--ignore-unknown", "--keep-going", "--list",
        "--no-header", "--not-done", "--quiet", "--raw", "--rejected", "--require-signed", "--restraint", "--status", "--upheld",
        "--version",
    ]

    /// Commands for which an empty value means something (`accord correct
    /// --note ""` clears the note).
    static let emptyValuesAllowed: Set<String> = ["correct"]

    /// Refuses an empty value given to an option (`--quantity ""`), naming
    /// the option, before the command makes something else of it.
    static func checkEmptyValues(_ arguments: [String]) throws {
        if let command = arguments.first(where: { !$0.hasPrefix("-") }), emptyValuesAllowed.contains(command) { return }
        for (index, argument) in arguments.enumerated().dropLast() {
            if argument == "--" { break }
            guard argument.hasPrefix("--"), !argument.contains("="), !flags.contains(argument) else { continue }
            let value = arguments[index + 1]
            if value.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" }) {
                throw CommandFailure(message: "\(OneLine.escaped(argument, limit: 60)) is empty; give a value or leave the option out",
                                     exitCode: ExitCode32.usage.rawValue)
            }
        }
    }

    /// Environment variables accord reads as text.
    static let textEnvironment = ["ACCORD_DB", "ACCORD_ACTOR", "ACCORD_NOW", "ACCORD_KEY", "ACCORD_TOKEN", "ACCORD_REMOTE"]

    /// Refuses arguments or environment values that are not UTF-8.
    static func checkEncoding() throws {
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            if !isUTF8(pointer) {
                throw CommandFailure(
                    message: "argument \(index) is not valid UTF-8 text; accord takes ids, text and paths as UTF-8",
                    exitCode: ExitCode32.usage.rawValue)
            }
        }
        for name in textEnvironment {
            if let pointer = getenv(name), !isUTF8(pointer) {
                throw CommandFailure(message: "\(name) is not valid UTF-8 text; set it to UTF-8 or unset it",
                                     exitCode: ExitCode32.usage.rawValue)
            }
        }
    }

    /// Refuses a single-valued option or a flag given more than once, and
    /// `--name=` with nothing after the '='.
    ///
    /// Looks only at `--name` and `--name=value` tokens before a `--`
    /// terminator; a value that merely looks like an option can only be given
    /// with `=`, which is read as part of the same token.
    static func checkRepeats(_ arguments: [String]) throws {
        var seen: Set<String> = []
        for argument in arguments {
            if argument == "--" { break }
            guard argument.hasPrefix("--"), argument.count > 2 else { continue }
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            if parts.count == 2 && parts[1].isEmpty {
                // The parser reads `--flag=` as the flag and `--option=` as an empty value.
                throw CommandFailure(message: "\(OneLine.escaped(name, limit: 60))= has nothing after '='; give a value or leave the option out",
                                     exitCode: ExitCode32.usage.rawValue)
            }
            if repeatable.contains(name) { continue }
            if !seen.insert(name).inserted {
                throw CommandFailure(message: "\(OneLine.escaped(name, limit: 60)) is given more than once; give it once",
                                     exitCode: ExitCode32.usage.rawValue)
            }
        }
    }

    private static func isUTF8(_ pointer: UnsafePointer<CChar>) -> Bool {
        let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)).bindMemory(to: UInt8.self)
        return String(validating: bytes, as: UTF8.self) != nil
    }
}

/// Error messages are one line on stderr: a value echoed from the input can
/// neither break the line nor send terminal control sequences.
enum OneLine {
    /// `text` with its lines joined by spaces, control characters and
    /// bidirectional controls (which would reorder the line on a terminal)
    /// shown as `\u{…}`, and cut at `limit` characters.
    static func escaped(_ text: String, limit: Int = 4_000) -> String {
        let lines = text.split(separator: "\n").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        var out = ""
        var count = 0
        for scalar in lines.joined(separator: " ").unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            if isControl(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (v >= 0x7f && v < 0xa0) || v == 0x2028 || v == 0x2029
            || v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
