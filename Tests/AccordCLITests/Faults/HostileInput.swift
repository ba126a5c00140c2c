import Foundation

/// What a command argument is, so the generator knows which hostile values
/// must be refused there.
enum Field: Sendable {
    /// Names something that must already exist.
    case commitment, party, agreement, guarantee, entry, key
    /// A new record's id: any well-formed id is accepted, so only malformed ones are hostile.
    case newID
    case date, count, days, lat, lon, sha256, seqNumber
    case word([String])
    /// One line of text (names, sources, places) or free text (notes, reasons).
    case line, text
    /// A file that is read: evidence (any bytes are fine), keys, checkpoints.
    case evidenceFile, privateKeyFile, publicKeyFile, trustedKeyFile, checkpointFile
    /// A file that is written.
    case outFile
    case flag
}

/// One argument of a valid command: an option with a value, a flag, or a
/// positional value.
struct Arg: Sendable {
    var option: String?
    var value: String?
    var field: Field
    /// Leaving it out is an error (so an empty value is too).
    var required: Bool

    static func opt(_ option: String, _ value: String, _ field: Field, required: Bool = false) -> Arg {
        Arg(option: option, value: value, field: field, required: required)
    }

    static func pos(_ value: String, _ field: Field) -> Arg {
        Arg(option: nil, value: value, field: field, required: true)
    }

    static func flag(_ option: String, required: Bool = false) -> Arg {
        Arg(option: option, value: nil, field: .flag, required: required)
    }

    var tokens: [[UInt8]] {
        var tokens: [[UInt8]] = []
        if let option { tokens.append(Array(option.utf8)) }
        if let value { tokens.append(Array(value.utf8)) }
        return tokens
    }
}

/// A valid command on the fixture ledger; the generator breaks it.
struct Template: Sendable {
    var command: [String]
    var args: [Arg]
    /// Appends to the journal (so --actor, --sign-with, ACCORD_ACTOR, ACCORD_NOW matter).
    var writes: Bool
    var takesDB = true
    /// False for a template that is itself refused on the fixture (demo on an existing file).
    var baselineValid = true

    var tokens: [[UInt8]] { command.map { Array($0.utf8) } + args.flatMap(\.tokens) }
}

/// The fixture ledger for R4: the demo ledger, a registered key `monitor`, a
/// dispute on ru-mod-claim-2025-06-03, a breach of RU-no-strikes on 2025-06-06
/// (an open trigger of US-sanctions) and a stored checkpoint, plus files.
enum HostileFixture {
    static let sha = "9f2c6a4b1d8e7f3a5c0b9d2e4f6a8c1b3d5e7f9a0b2c4d6e8f1a3b5c7d9e0f2a"

    /// Every command, each with every option it takes, valid on the fixture.
    /// `n` makes new ids unique per use.
    static func templates(_ n: Int) -> [Template] {
        let id = "fresh-\(n)"
        let evidence: [Arg] = [
            .opt("--source", "ICRC", .line, required: true), .opt("--source-kind", "monitor", .word(["official", "monitor"])),
            .opt("--confidence", "probable", .word(["confirmed"])), .opt("--id", "ext-\(n)", .line),
            .opt("--evidence-sha256", sha, .sha256), .opt("--evidence-uri", "https://example.org/e.pdf", .line),
            .opt("--note", "seen at the crossing", .text), .opt("--place", "Kyiv", .line),
            .opt("--lat", "50.4501", .lat), .opt("--lon", "30.5234", .lon), .opt("--geo-precision", "near", .word(["exact"])),
        ]
        return [
            Template(command: ["log"], args: [
                .pos("UA-release", .commitment), .opt("--quantity", "5", .count), .opt("--observed", "2025-06-01", .date, required: true),
                .opt("--precision", "day", .word(["week"])),
            ] + evidence, writes: true),
            Template(command: ["log"], args: [
                .pos("texts-final", .commitment), .flag("--done", required: true), .opt("--observed", "2025-06-01T10:00:00+03:00", .date, required: true),
                .opt("--source", "Wire", .line, required: true), .opt("--evidence", "evidence.bin", .evidenceFile),
            ], writes: true),
            Template(command: ["log"], args: [
                .opt("--corroborates", "icrc-2025-05-23-UA", .entry, required: true), .opt("--source", "UA MoD", .line, required: true),
                .opt("--id", "cor-\(n)", .line), .opt("--note", "also seen", .text),
            ], writes: true),
            Template(command: ["breach"], args: [
                .pos("RU-no-strikes", .commitment), .opt("--party", "RU", .party, required: true),
                .opt("--observed", "2025-06-02", .date, required: true), .opt("--severity", "minor", .word(["major"]), required: true),
                .opt("--description", "shelling reported", .text), .opt("--precision", "week", .word(["day"])),
            ] + evidence, writes: true),
            Template(command: ["correct"], args: [
                .pos("icrc-2025-05-23-UA", .entry), .opt("--reason", "recount", .text, required: true), .opt("--quantity", "391", .count),
                .opt("--observed", "2025-05-23", .date), .opt("--note", "recounted", .text),
            ], writes: true),
            Template(command: ["retract"], args: [.pos("wire-2025-06-04", .entry), .opt("--reason", "withdrawn by the wire", .text, required: true)],
                     writes: true),
            Template(command: ["dispute"], args: [
                .pos("hrmmu-2025-06-01", .entry), .opt("--by", "RU", .line, required: true), .opt("--reason", "denied", .text, required: true),
                .opt("--source", "RU MoD", .line),
            ], writes: true),
            Template(command: ["adjudicate"], args: [
                .pos("ru-mod-claim-2025-06-03", .entry), .flag("--rejected", required: true), .opt("--reason", "no evidence", .text, required: true),
            ], writes: true),
            Template(command: ["party", "add"], args: [
                .pos("P\(n)", .newID), .opt("--name", "Party \(n)", .line, required: true), .opt("--kind", "group", .word(["state"])),
            ], writes: true),
            Template(command: ["agreement", "add"], args: [
                .pos("agr-\(n)", .newID), .opt("--title", "Talks \(n)", .line, required: true), .opt("--date", "2025-05-01", .date),
                .opt("--venue", "Geneva", .line),
            ], writes: true),
            Template(command: ["commitment", "add"], args: [
                .pos("c-\(n)", .newID), .opt("--agreement", "istanbul-2025", .agreement, required: true), .opt("--party", "UA", .party, required: true),
                .opt("--quantity", "10", .count), .opt("--unit", "tonnes", .line), .opt("--due", "2025-07-01", .date),
                .opt("--text", "Deliver grain", .text),
            ], writes: true),
            Template(command: ["commitment", "add"], args: [
                .pos("r-\(n)", .newID), .opt("--agreement", "istanbul-2025", .agreement, required: true), .opt("--party", "RU", .party, required: true),
                .flag("--restraint", required: true), .opt("--from", "2025-05-16", .date), .opt("--until", "2025-06-30", .date),
                .opt("--depends-on", "texts-final", .commitment),
            ], writes: true),
            Template(command: ["commitment", "withdraw"], args: [
                .pos("RU-summit", .commitment), .opt("--reason", "superseded", .text, required: true), .opt("--date", "2025-06-05", .date),
            ], writes: true),
            Template(command: ["guarantee", "add"], args: [
                .pos("g-\(n)", .newID), .opt("--guarantor", "TR", .party, required: true), .opt("--covers", "UA-release", .commitment, required: true),
                .opt("--consequence", "Mediation", .text, required: true), .opt("--respond-within-days", "7", .days),
            ], writes: true),
            Template(command: ["guarantee", "invoke"], args: [
                .pos("US-sanctions", .guarantee), .opt("--date", "2025-06-06", .date, required: true), .opt("--note", "more sanctions", .text),
            ], writes: true),
            Template(command: ["key", "register"], args: [.pos("spare", .newID), .opt("--public", "spare.key.pub", .publicKeyFile, required: true)],
                     writes: true),
            Template(command: ["key", "revoke"], args: [.pos("monitor", .key), .opt("--reason", "lost laptop", .text)], writes: true),
            Template(command: ["checkpoint"], args: [.opt("--key", "monitor.key", .privateKeyFile, required: true), .opt("--out", "cp-\(id).txt", .outFile)],
                     writes: false),
            Template(command: ["report"], args: [
                .opt("--at", "2025-06-10", .date), .opt("--as-of", "20", .entry), .opt("--agreement", "istanbul-2025", .agreement),
                .opt("--party", "UA", .party), .opt("--min-confidence", "probable", .word(["confirmed"])),
                .opt("--format", "json", .word(["csv"])), .opt("--section", "commitments", .word(["parties"])),
            ], writes: false),
            Template(command: ["breaches"], args: [
                .opt("--party", "RU", .party), .opt("--commitment", "RU-no-strikes", .commitment), .opt("--since", "2025-05-01", .date),
                .opt("--until", "2025-06-30", .date), .opt("--severity", "minor", .word(["grave"])), .opt("--status", "all", .word(["current"])),
                .opt("--guarantor", "US", .party), .opt("--min-confidence", "unverified", .word(["confirmed"])), .opt("--format", "csv", .word(["tsv"])),
            ], writes: false),
            Template(command: ["brief"], args: [
                .opt("--at", "2025-06-10", .date), .opt("--as-of", "20", .entry), .opt("--agreement", "istanbul-2025", .agreement),
                .opt("--party", "UA", .party), .opt("--min-confidence", "probable", .word(["confirmed"])), .opt("--since", "2025-05-16", .date),
                .opt("--format", "markdown", .word(["html"])), .opt("--out", "brief-\(id).md", .outFile),
            ], writes: false),
            Template(command: ["history"], args: [.pos("UA-release", .entry), .opt("--as-of", "15", .entry), .opt("--format", "ndjson", .word(["json"]))],
                     writes: false),
            Template(command: ["commitment", "show"], args: [
                .pos("UA-release", .commitment), .opt("--at", "2025-06-10", .date), .opt("--min-confidence", "probable", .word(["confirmed"])),
            ], writes: false),
            Template(command: ["commitment", "list"], args: [.opt("--agreement", "istanbul-2025", .agreement), .opt("--party", "UA", .party)],
                     writes: false),
            Template(command: ["party", "list"], args: [.opt("--format", "markdown", .word(["csv"]))], writes: false),
            Template(command: ["prove", "inclusion"], args: [.pos("5", .seqNumber), .opt("--size", "20", .seqNumber)], writes: false),
            // The new size is optional, so neither positional may simply be left out.
            Template(command: ["prove", "consistency"], args: [Arg(option: nil, value: "5", field: .seqNumber, required: false),
                                                                Arg(option: nil, value: "20", field: .seqNumber, required: false)],
                     writes: false),
            Template(command: ["audit"], args: [.opt("--checkpoint", "valid.cp", .checkpointFile), .opt("--trusted-key", "monitor.key.pub", .trustedKeyFile),
                                                .flag("--full"), .opt("--format", "json", .word(["table"]))],
                     writes: false),
            Template(command: ["journal", "export"], args: [.opt("--format", "json", .word(["ndjson"]))], writes: false),
            Template(command: ["migrate"], args: [.flag("--list")], writes: false),
            Template(command: ["init"], args: [], writes: true),
            Template(command: ["demo"], args: [.opt("--format", "json", .word(["csv"]))], writes: true, baselineValid: false),
            Template(command: ["key", "generate"], args: [.opt("--out", "new-\(id).key", .outFile, required: true), .opt("--name", "k\(n)", .newID)],
                     writes: false, takesDB: false),
        ]
    }

    /// Files the hostile values point at, made in `directory`.
    static func makeFiles(in directory: String, random: inout SeededGenerator) throws {
        func write(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        let validKey = readAll(directory + "/monitor.key")
        let validCheckpoint = readAll(directory + "/valid.cp")
        try write("evidence.bin", [0x25, 0x50, 0x44, 0x46, 0, 0, 0xff, 0x0a])
        try write("random.bin", (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) })
        try write("nul.bin", Array("abc\u{0}def\n".utf8))
        try write("empty.bin", [])
        try write("big.bin", [UInt8](repeating: 0x41, count: 1_100_000))
        try write("truncated.key", Array(validKey.prefix(validKey.count / 2)))
        try write("nul.key", Array(validKey.prefix(20)) + [0] + Array(validKey.dropFirst(20)))
        try write("truncated.cp", Array(validCheckpoint.prefix(validCheckpoint.count * 2 / 3)))
        try write("nul.cp", Array(validCheckpoint.prefix(10)) + [0] + Array(validCheckpoint.dropFirst(10)))
        try write("huge-size.cp", Array(String(decoding: validCheckpoint, as: UTF8.self)
            .replacingOccurrences(of: "\n\(checkpointSize(validCheckpoint))\n", with: "\n99999999999999999999999\n").utf8))
        try write("text.sqlite", Array("this is not a database\n".utf8))
        try write("garbage.sqlite", (0..<8192).map { _ in UInt8.random(in: 0...255, using: &random) })
        try write("nul.sqlite", [UInt8](repeating: 0, count: 4096))
        // A SQLite header followed by nothing: a database whose pages are gone.
        try write("header-only.sqlite", Array("SQLite format 3\u{0}".utf8) + [UInt8](repeating: 0, count: 84))
        try FileManager.default.createDirectory(atPath: directory + "/a-directory", withIntermediateDirectories: true)
    }

    static func checkpointSize(_ note: [UInt8]) -> String {
        let lines = String(decoding: note, as: UTF8.self).split(separator: "\n")
        return lines.count > 1 ? String(lines[1]) : "0"
    }
}

/// One generated case.
struct HostileCase: Sendable {
    var label: String
    var arguments: [[UInt8]]
    var environment: [String: String] = [:]
    /// Exit codes that are a correct refusal.
    var allowed: Set<Int32>
    /// A file (in the fixture) given as --db, which must not change.
    var untouched: String?
    /// Exit codes that are `accord audit`'s verdict, printed on stdout rather
    /// than as an `Error:` (a garbage file audited is reported as corrupt).
    var verdicts: Set<Int32> = []

    var display: String {
        let shown = arguments.map { token -> String in
            let text = String(decoding: token, as: UTF8.self)
            let cut = text.count > 60 ? String(text.prefix(40)) + "…(\(token.count) bytes)" : text
            return cut.debugDescription
        }
        let env = environment.isEmpty ? "" : " env \(environment.mapValues { String($0.prefix(40)) })"
        return "[\(label)] accord \(shown.joined(separator: " "))\(env)"
    }
}

/// Seeded generator of hostile command lines for every command: each case
/// takes a valid command and breaks it in one or two ways that must be refused.
struct HostileGenerator {
    var random: SeededGenerator
    private var counter = 0
    /// Options the current case's structural mutations took out (so another
    /// mutation does not put them back) and left dangling (appended last, so
    /// nothing after them can become their value).
    private var removedOptions: Set<String> = []
    private var danglingOptions: [[UInt8]] = []

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    // MARK: Values

    static let sqlFragments = [
        "'; DROP TABLE journal; --", "x' OR '1'='1", "1; DELETE FROM journal", "\" OR 1=1 --", "UA-release'--",
        "Robert'); DROP TABLE commitments;--", "%' UNION SELECT entry FROM journal --", "1 OR 1=1",
    ]
    static let controls: [String] = ["\u{1}", "\u{7}", "\u{8}", "\u{1b}[31m", "\u{7f}", "\u{85}", "\u{9b}", "\u{2028}", "\u{2029}", "\r", "\u{c}", "\u{b}"]
    static let invalidUTF8: [[UInt8]] = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]]
    static let badDates = [
        "0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31", "10000-01-01", "-2025-01-01", "2025-02-30", "2025-13-01",
        "2025-00-10", "2025-06-31", "2025-6-1", "25-06-01", "2025/06/01", "01-06-2025", "2025-06-01T25:00:00Z",
        "2025-06-01T10:00:00", "2025-06-01T10:00:00+15:00", "2025-06-01T10:60Z", "2025-06-01T10:00:00.1234Z", "2025-06-01Z",
        "yesterday", "now", "1e9", "9223372036854775807", "2025-06-01T10:00:00+03:00junk", "２０２５-06-01",
        "1900-01-01T00:00:00+01:00", "2999-12-31T23:59:59-01:00", "2025-02-29",
    ]
    static let badCounts = [
        "-1", "-0", "1.5", "1e3", "0x10", "1,000", "1 000", "99999999999999999999", "9223372036854775808", "1000000000001",
        "NaN", "inf", "+-1", "١٢", "１２", "five", "0b101", "1_000", "\u{1}5",
    ]
    static let badDegrees = [
        "91", "-90.00000001", "181", "-181", "1e2", "NaN", "inf", "50.12345678", ".5", "5.", "--5", "50,45", "0x20", "5 0",
        "999999999999999999999", "-", "+",
    ]
    static let badShas = [
        String(repeating: "a", count: 63), String(repeating: "a", count: 65), String(repeating: "g", count: 64),
        String(repeating: "0", count: 128), "sha256:" + String(repeating: "a", count: 64), "zz",
    ]
    static let badSeqNumbers = ["abc", "1.5", "99999999999999999999", "0x10", "1e3", "0", "999999", "9223372036854775807", "five"]

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }
    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }

    /// A long run of text: under the kernel's 128 KiB limit on one argument,
    /// far over any accord field limit.
    mutating func huge() -> [UInt8] {
        let unit = Array(pick(["a", "é", "ア", "𝄞", "x y "]).utf8)
        let bytes = Int.random(in: 20_001...120_000, using: &random)
        return Array([[UInt8]](repeating: unit, count: bytes / unit.count + 1).joined())
    }

    mutating func withInside(_ insert: [UInt8], base: String = "abc") -> [UInt8] {
        let bytes = Array(base.utf8)
        let at = Int.random(in: 1..<bytes.count, using: &random)
        return Array(bytes[..<at]) + insert + Array(bytes[at...])
    }

    /// Garbage that is refused in any field that is not free text.
    mutating func garbage() -> [UInt8] {
        switch Int.random(in: 0..<8, using: &random) {
        case 0: return Array(pick(Self.sqlFragments).utf8)
        case 1: return withInside(Array(pick(Self.controls).utf8))
        case 2: return huge()
        case 3: return withInside(pick(Self.invalidUTF8))
        case 4: return Array("a\nb".utf8)
        case 5: return Array(" ".utf8) + Array(pick(["UA", "x", "5"]).utf8) + Array(" ?".utf8)
        case 6: return (0..<Int.random(in: 2...40, using: &random)).map { _ in UInt8.random(in: 0x21...0x7e, using: &random) } + [0x20, 0x27]
        default: return Array(pick(["%s%s%n", "${HOME}", "$(reboot)", "`id`", "../../etc/passwd", "{\"a\":1}", "<script>"]).utf8)
        }
    }

    /// A value that must be refused for `field`, or nil when there is none
    /// (flags take no value).
    mutating func hostile(for field: Field, required: Bool) -> [UInt8]? {
        // Empty or blank: refused only where a required value is text or an id
        // (" " is a legal file name).
        if required && !field.isFile && chance(0.05) { return Array(pick(["", " ", "\t", "  \n "]).utf8) }
        switch field {
        case .commitment, .party, .agreement, .guarantee, .key:
            if chance(0.3) { return Array("no-such-\(pick(["thing", "UA", "release"]))-\(Int.random(in: 0...999, using: &random))".utf8) }
            if chance(0.1) { return Array(pick(["ua-release", "UA-RELEASE", "UA\u{200b}-release", "ＵＡ", "UA-release ", "UA-relеase"]).utf8) }
            return garbage()
        case .entry:
            if chance(0.3) { return Array(pick(["0", "99999", "9223372036854775807", "99999999999999999999", "1.5", "0x5", "no-such-id"]).utf8) }
            return garbage()
        case .newID:
            if chance(0.15) { return Array(pick(["-lead", "_lead", ".lead", "a b", "a'b", "a;b", "é", String(repeating: "x", count: 65)]).utf8) }
            return garbage()
        case .date:
            return chance(0.6) ? Array(pick(Self.badDates).utf8) : garbage()
        case .count, .days:
            return chance(0.7) ? Array(pick(Self.badCounts).utf8) : garbage()
        case .lat, .lon:
            return chance(0.7) ? Array(pick(Self.badDegrees).utf8) : garbage()
        case .sha256:
            return chance(0.6) ? Array(pick(Self.badShas).utf8) : garbage()
        case .seqNumber:
            return chance(0.7) ? Array(pick(Self.badSeqNumbers).utf8) : garbage()
        case .word(let words):
            if chance(0.3) { return Array((pick(words) + pick(["x", " y", "\u{1}", ";", "s"])).utf8) }
            return chance(0.2) ? Array("bogus".utf8) : garbage()
        case .line:
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return huge()
            case 1: return withInside(pick(Self.invalidUTF8), base: "Kyiv monitor")
            case 2: return withInside(Array("\n".utf8), base: "two lines")
            default: return withInside(Array(pick(Self.controls).utf8), base: "Kyiv monitor")
            }
        case .text:
            // Free text may hold LF and tab, and CR becomes LF; other controls are refused.
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return huge()
            case 1: return withInside(pick(Self.invalidUTF8), base: "a note")
            default: return withInside(Array(pick(Self.controls.filter { $0 != "\r" }).utf8), base: "a note")
            }
        case .evidenceFile:
            return Array(pick(["no-such-file.pdf", "a-directory", "no-such-dir/evidence.pdf", "a-directory/", "evidence.bin/x",
                               "bad\u{1}name.pdf", String(repeating: "p", count: 5000)]).utf8)
        case .privateKeyFile:
            return Array(pick(["no-such.key", "a-directory", "random.bin", "nul.bin", "empty.bin", "big.bin", "truncated.key",
                               "nul.key", "monitor.key.pub", "valid.cp", "other.key", "text.sqlite"]).utf8)
        case .publicKeyFile:
            return Array(pick(["no-such.pub", "a-directory", "random.bin", "nul.bin", "empty.bin", "big.bin", "monitor.key",
                               "truncated.key", "nul.key", "valid.cp", "monitor.key.pub"]).utf8)
        case .trustedKeyFile:
            return Array(pick(["no-such.pub", "a-directory", "random.bin", "nul.bin", "empty.bin", "big.bin", "monitor.key",
                               "truncated.key", "nul.key", "valid.cp"]).utf8)
        case .checkpointFile:
            return Array(pick(["no-such.cp", "a-directory", "random.bin", "nul.bin", "empty.bin", "big.bin", "truncated.cp",
                               "nul.cp", "huge-size.cp", "monitor.key", "monitor.key.pub"]).utf8)
        case .outFile:
            return Array(pick(["no-such-dir/out", "a-directory", "a-directory/", "monitor.key/out", "", "bad\u{1}/x",
                               String(repeating: "o", count: 5000)]).utf8)
        case .flag:
            return nil
        }
    }

    // MARK: Cases

    /// The next hostile case.
    mutating func next() -> HostileCase {
        counter += 1
        let template = pick(HostileFixture.templates(counter))
        enum Kind { case value, structure, database, recorder }
        let kinds: [Kind] = (0..<(chance(0.2) ? 2 : 1)).map { _ in
            let roll = Double.random(in: 0..<1, using: &random)
            if roll < 0.55 { return .value }
            if roll < 0.85 { return .structure }
            if roll < 0.93 { return template.takesDB ? .database : .structure }
            return template.writes ? .recorder : .structure
        }
        var labels: [String] = []
        var environment: [String: String] = [:]
        removedOptions = []
        danglingOptions = []

        // Hostile values first, on the arguments themselves.
        var argTokens = template.args.map(\.tokens)
        var mutated: Set<Int> = []
        for _ in kinds.filter({ $0 == .value }) {
            let candidates = template.args.indices.filter { template.args[$0].value != nil && !mutated.contains($0) }
            guard !candidates.isEmpty else { continue }
            let index = pick(candidates)
            let arg = template.args[index]
            guard let value = hostile(for: arg.field, required: arg.required) else { continue }
            mutated.insert(index)
            if let option = arg.option {
                // A value starting with '-' would read as an option: attach it with '='.
                argTokens[index] = value.first == UInt8(ascii: "-") ? [Array((option + "=").utf8) + value] : [Array(option.utf8), value]
            } else {
                argTokens[index] = [value]
            }
            labels.append("value \(arg.option ?? "<positional>")")
        }
        var arguments = template.command.map { Array($0.utf8) } + argTokens.flatMap { $0 }

        var databaseCodes: Set<Int32>?
        var databaseFile: String?
        for kind in kinds where kind != .value {
            switch kind {
            case .structure:
                labels.append(structural(template, &arguments))
            case .database:
                let (label, value, codes) = garbageDB(template)
                labels.append(label)
                if chance(0.5) {
                    arguments += [Array("--db".utf8), value]
                } else {
                    arguments.insert(contentsOf: [Array("--db".utf8), value], at: 0)
                }
                databaseCodes = codes
                databaseFile = String(decoding: value, as: UTF8.self)
            case .recorder:
                labels.append(recorderMutation(&arguments, &environment, writesNothing: template.command == ["init"]))
            case .value:
                break
            }
        }
        if labels.isEmpty { labels.append(structural(template, &arguments)) }
        arguments += danglingOptions

        var allowed: Set<Int32> = [64, 65]
        if let databaseCodes {
            // Alone, a garbage --db is refused with 66; with another fault, whichever is found first.
            allowed = labels.count == 1 ? databaseCodes : databaseCodes.union([64, 65])
        }
        // Any argument that is not UTF-8 is refused before anything else.
        if arguments.contains(where: { String(validating: $0, as: UTF8.self) == nil }) { allowed = [64] }
        // `accord audit` reports a file that does not open as a database as corrupt (exit 2).
        let verdicts: Set<Int32> = template.command == ["audit"] && databaseCodes != nil ? [2] : []
        // A file init or demo may legitimately create is not checked; every other --db must stay as it was.
        let existing = databaseFile.flatMap { ["", ":memory:", "a-directory"].contains($0) || $0.hasPrefix("no-such") ? nil : $0 }
        return HostileCase(label: "\(template.command.joined(separator: " ")): \(labels.joined(separator: ", "))",
                           arguments: arguments, environment: environment, allowed: allowed, untouched: existing, verdicts: verdicts)
    }

    /// Breaks the shape of the command line; always a usage error (64) or bad data (65).
    private mutating func structural(_ template: Template, _ arguments: inout [[UInt8]]) -> String {
        let commandCount = template.command.count
        switch Int.random(in: 0..<9, using: &random) {
        case 0:
            let option = pick(["--bogus", "--bogus=1", "-z", "---", "--quantityy", "--obs", "--DB", "-", "--db-path", "--Source"])
            arguments.insert(Array(option.utf8), at: Int.random(in: commandCount...arguments.count, using: &random))
            return "unknown option \(option)"
        case 1:
            // The same option twice (with the same or another valid value).
            let options = template.args.filter { $0.option != nil && !["--covers", "--depends-on", "--checkpoint", "--trusted-key", "--for"].contains($0.option!)
                && !removedOptions.contains($0.option!) }
            guard !options.isEmpty else { return structural(template, &arguments) }
            let arg = pick(options)
            arguments.append(contentsOf: arg.tokens)
            return "\(arg.option!) twice"
        case 2:
            // An option without its value, at the end.
            let options = template.args.filter { $0.option != nil && $0.value != nil }
            guard !options.isEmpty else { return structural(template, &arguments) }
            let arg = pick(options)
            let tokens = arg.tokens
            while let at = firstIndex(of: tokens, in: arguments) { arguments.removeSubrange(at..<(at + tokens.count)) }
            removedOptions.insert(arg.option!)
            danglingOptions.append(Array(arg.option!.utf8))
            return "\(arg.option!) without a value"
        case 3:
            // A required argument left out.
            let required = template.args.filter(\.required)
            guard !required.isEmpty else { return structural(template, &arguments) }
            let arg = pick(required)
            let tokens = arg.tokens
            // Every occurrence: another mutation may have given it twice.
            while let at = firstIndex(of: tokens, in: arguments) { arguments.removeSubrange(at..<(at + tokens.count)) }
            removedOptions.insert(arg.option ?? arg.value ?? "")
            return "without \(arg.option ?? "positional \(arg.value ?? "")")"
        case 4:
            let flags = template.args.filter { $0.field == .flag }
            guard let flag = flags.first else {
                arguments.append(Array("extra-positional".utf8))
                return "an extra positional"
            }
            let tokens = flag.tokens
            if let at = firstIndex(of: tokens, in: arguments) { arguments[at] = Array((flag.option! + "=" + pick(["yes", "1", "true", ""])).utf8) }
            return "\(flag.option!) with a value"
        case 5:
            arguments.insert(Array(pick(["extra", "UA-release", "-- --quantity"]).utf8), at: arguments.count)
            return "extra argument"
        case 6:
            let bad = pick(["lgo", "LOG", "log;", "repor", "breach\u{1}", "", "help-me", "--log", "sql"])
            arguments[commandCount - 1] = Array(bad.utf8)
            return "unknown command \(bad.debugDescription)"
        case 7:
            arguments.insert(withInside(pick(Self.invalidUTF8), base: "--note"), at: Int.random(in: commandCount...arguments.count, using: &random))
            return "an argument that is not UTF-8"
        default:
            // Options before the subcommand that only the subcommand knows.
            let options = template.args.filter { $0.option != nil && $0.value != nil && $0.option != "--format"
                && !removedOptions.contains($0.option!) }
            guard !options.isEmpty, commandCount == 1 else {
                arguments.append(contentsOf: [Array("--help-me".utf8)])
                return "unknown option --help-me"
            }
            let arg = pick(options)
            return structuralDuplicateFirst(arg, &arguments)
        }
    }

    private mutating func structuralDuplicateFirst(_ arg: Arg, _ arguments: inout [[UInt8]]) -> String {
        arguments.insert(contentsOf: arg.tokens, at: 0)
        return "\(arg.option!) before the command and after it"
    }

    private func firstIndex(of tokens: [[UInt8]], in arguments: [[UInt8]]) -> Int? {
        guard tokens.count <= arguments.count else { return nil }
        for start in 0...(arguments.count - tokens.count) where Array(arguments[start..<(start + tokens.count)]) == tokens {
            return start
        }
        return nil
    }

    /// A --db that is not a ledger: refused with 66 (a demo refuses an existing file with 65; an empty one is a usage error).
    private mutating func garbageDB(_ template: Template) -> (String, [UInt8], Set<Int32>) {
        var names = ["text.sqlite", "garbage.sqlite", "nul.sqlite", "header-only.sqlite", "a-directory", "random.bin", "nul.bin",
                     "big.bin", "monitor.key"]
        let creates = template.command == ["init"] || template.command == ["demo"]
        if !creates { names += ["no-such.sqlite", "no-such-dir/ledger.sqlite", "empty.bin", "", ":memory:", "/proc/self/status"] }
        let name = pick(names)
        var codes: Set<Int32> = [66]
        if template.command == ["demo"] { codes.insert(65) }
        // An empty value is refused as such before anything looks for the file.
        if name.isEmpty { codes = [64] }
        return ("--db \(name.debugDescription)", Array(name.utf8), codes)
    }

    /// Hostile --actor, --sign-with, ACCORD_ACTOR or ACCORD_NOW on a write.
    private mutating func recorderMutation(_ arguments: inout [[UInt8]], _ environment: inout [String: String],
                                           writesNothing: Bool) -> String {
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            let value = hostile(for: .line, required: true) ?? []
            arguments += [Array("--actor".utf8), value]
            return "--actor hostile"
        case 1:
            var file = hostile(for: .privateKeyFile, required: true) ?? []
            // A well-formed key that is not registered is refused when it would sign;
            // `init` on an existing ledger writes (and signs) nothing, so it is not hostile there.
            while writesNothing && file == Array("other.key".utf8) { file = hostile(for: .privateKeyFile, required: true) ?? [] }
            arguments += [Array("--sign-with".utf8), file]
            return "--sign-with \(String(decoding: file, as: UTF8.self))"
        case 2:
            let value = pick(["\u{1}admin", String(repeating: "a", count: 201), "two\nlines", "  ", "\u{2028}"])
            environment["ACCORD_ACTOR"] = value
            return "ACCORD_ACTOR hostile"
        default:
            let value = pick(["3000-01-01T00:00:00Z", "1899-12-31T00:00:00Z", "not a time", "2025-06-10T12:00:00", "9999999999999"])
            environment["ACCORD_NOW"] = value
            return "ACCORD_NOW=\(value)"
        }
    }
}

extension Field {
    var isFile: Bool {
        switch self {
        case .evidenceFile, .privateKeyFile, .publicKeyFile, .trustedKeyFile, .checkpointFile, .outFile: true
        default: false
        }
    }

    static func == (lhs: Field, rhs: Field) -> Bool {
        if case .flag = lhs, case .flag = rhs { return true }
        return false
    }

    func isNotUTF8(_ value: [UInt8]) -> Bool { String(validating: value, as: UTF8.self) == nil }
}
