import Foundation
import Testing

/// One refused command line and the words its error must contain.
struct RefusedCommand: Sendable, CustomTestStringConvertible {
    var name: String
    var arguments: [String]
    var mentions: [String]

    var testDescription: String { name }

    init(_ name: String, _ arguments: [String], _ mentions: [String] = []) {
        self.name = name
        self.arguments = arguments
        self.mentions = mentions
    }
}

private let add = ["commitment", "add", "X", "--agreement", "A", "--party", "UA"]
private let log = ["log", "UA-release", "--observed", "2025-05-23", "--source", "ICRC"]
private let breach = ["breach", "no-strikes", "--party", "RU", "--observed", "2025-05-30", "--severity", "major", "--source", "UN"]

/// `base` with each `--option value` of `overrides` in place of the same
/// option in `base` (accord refuses an option given twice), the rest appended.
private func overriding(_ base: [String], _ overrides: [String]) -> [String] {
    var result = base
    var index = 0
    while index < overrides.count {
        let option = overrides[index]
        let value = index + 1 < overrides.count ? overrides[index + 1] : nil
        if let at = result.firstIndex(of: option), let value, at + 1 < result.count {
            result[at + 1] = value
        } else {
            result.append(option)
            if let value { result.append(value) }
        }
        index += value == nil ? 1 : 2
    }
    return result
}

@Suite("Bad input through the binary")
struct BadInputCLITests {
    static let badData: [RefusedCommand] = [
        // Unknown ids.
        .init("unknown agreement", ["commitment", "add", "X", "--agreement", "nope", "--party", "UA", "--action"], ["agreement", "nope"]),
        .init("unknown party", ["commitment", "add", "X", "--agreement", "A", "--party", "nope", "--action"], ["party", "nope"]),
        .init("unknown commitment (log)", ["log", "nope", "--quantity", "5", "--observed", "2025-05-23", "--source", "S"],
              ["commitment", "nope"]),
        .init("unknown commitment (breach)", ["breach", "nope", "--party", "RU", "--observed", "2025-05-30", "--severity", "major",
                                              "--source", "UN"], ["commitment", "nope"]),
        .init("unknown party (breach)", ["breach", "no-strikes", "--party", "nope", "--observed", "2025-05-30",
                                         "--severity", "major", "--source", "UN"], ["party", "nope"]),
        .init("unknown reciprocal", add + ["--quantity", "5", "--unit", "prisoners", "--reciprocal", "nope"], ["reciprocal", "nope"]),
        .init("unknown depends-on", add + ["--action", "--depends-on", "nope"], ["depends-on", "nope"]),
        .init("unknown guarantor", ["guarantee", "add", "G2", "--guarantor", "nope", "--covers", "no-strikes", "--consequence", "S"],
              ["guarantor", "nope"]),
        .init("unknown covered commitment", ["guarantee", "add", "G2", "--guarantor", "US", "--covers", "no-strikes",
                                             "--covers", "nope", "--consequence", "S"], ["covers", "nope"]),
        .init("unknown guarantee", ["guarantee", "invoke", "nope", "--date", "2025-06-01"], ["guarantee", "nope"]),
        .init("unknown corroborated entry", ["log", "--corroborates", "nope", "--source", "UN"], ["corroborates", "nope"]),
        .init("unknown corroborated seq", ["log", "--corroborates", "999", "--source", "UN"], ["corroborates", "999"]),
        // Shapes and quantities.
        .init("a quantity on an action", add + ["--action", "--quantity", "5", "--unit", "prisoners"], ["X", "action", "quantity"]),
        .init("a quantity logged on an action", ["log", "texts", "--quantity", "5", "--observed", "2025-05-23", "--source", "S"],
              ["texts", "action"]),
        .init("a negative quantity (=)", add + ["--quantity=-5", "--unit", "prisoners"], ["quantity", "-5"]),
        .init("a negative quantity (separate)", add + ["--quantity", "-5", "--unit", "prisoners"], ["quantity", "-5"]),
        .init("a non-integer quantity", add + ["--quantity", "2.5", "--unit", "prisoners"], ["quantity", "2.5"]),
        .init("a negative quantity logged", log + ["--quantity=-5"], ["quantity", "-5"]),
        .init("a non-integer quantity logged", log + ["--quantity", "2.5"], ["quantity", "2.5"]),
        .init("a restraint without a window", add + ["--restraint"], ["X", "restraint", "--from"]),
        .init("--until before --from", add + ["--restraint", "--from", "2025-06-10", "--until", "2025-06-01"],
              ["X", "--until", "2025-06-01", "--from", "2025-06-10"]),
        .init("no shape", add + ["--due", "2025-06-30"], ["X", "--action"]),
        // Dates.
        .init("an invalid due date", add + ["--action", "--due", "2025-02-30"], ["due", "2025-02-30"]),
        .init("an invalid observed date", overriding(log, ["--quantity", "5", "--observed", "2025-02-30"]), ["observed", "2025-02-30"]),
        .init("a date in words", overriding(log, ["--quantity", "5", "--observed", "yesterday"]), ["observed", "yesterday"]),
        .init("a future observed date", overriding(log, ["--quantity", "5", "--observed", "2025-06-03"]), ["observed", "2025-06-03", "future"]),
        .init("a future breach", overriding(breach, ["--observed", "2025-07-01"]), ["observed", "future"]),
        .init("an invalid --at", ["report", "--at", "2025-13-01"], ["--at", "2025-13-01"]),
        .init("a time without a zone", overriding(log, ["--quantity", "5", "--observed", "2025-05-23T14:00:00"]), ["observed", "zone"]),
        .init("a negative response time", ["guarantee", "add", "G2", "--guarantor", "US", "--covers", "no-strikes",
                                           "--consequence", "S", "--respond-within-days=-1"], ["respond-within-days", "-1"]),
        // Evidence and place.
        .init("a malformed SHA-256", log + ["--quantity", "5", "--evidence-sha256", "abc123"], ["sha256", "abc123"]),
        .init("a missing evidence file", log + ["--quantity", "5", "--evidence", "no-such-file.pdf"], ["--evidence", "no-such-file.pdf"]),
        .init("lat without lon", log + ["--quantity", "5", "--lat", "50.45"], ["lat", "lon"]),
        .init("lat out of range", log + ["--quantity", "5", "--lat", "91", "--lon", "30"], ["lat", "91"]),
        .init("negative lat out of range", breach + ["--lat=-90.5", "--lon", "30"], ["lat", "-90.5"]),
        .init("lon out of range", log + ["--quantity", "5", "--lat", "50", "--lon", "181"], ["lon", "181"]),
        // Words.
        .init("an unknown --confidence", log + ["--quantity", "5", "--confidence", "sure"], ["confidence", "sure"]),
        .init("an unknown --severity", overriding(breach, ["--severity", "catastrophic"]), ["severity", "catastrophic"]),
        .init("an unknown --source-kind", log + ["--quantity", "5", "--source-kind", "blog"], ["source", "blog"]),
        .init("an unknown --min-confidence", ["report", "--min-confidence", "sure"], ["--min-confidence", "sure"]),
        .init("an unknown party kind", ["party", "add", "EU", "--name", "EU", "--kind", "club"], ["kind", "club"]),
        // Ids.
        .init("a duplicate commitment id", ["commitment", "add", "texts", "--agreement", "A", "--party", "UA", "--action",
                                            "--due", "2025-07-01"], ["texts", "already exists"]),
        .init("a reciprocal of a different unit", add + ["--quantity", "5", "--unit", "prisoners", "--reciprocal", "grain"],
              ["grain", "tonnes", "prisoners"]),
        .init("a reciprocal already paired", add + ["--quantity", "5", "--unit", "prisoners", "--reciprocal", "UA-release"],
              ["UA-release", "paired"]),
        .init("a dependency cycle (itself)", add + ["--action", "--depends-on", "X"], ["X", "cycle"]),
        .init("an id with a space", ["party", "add", "E U", "--name", "EU"], ["party id", "E U"]),
        .init("an unknown --party filter", ["report", "--party", "nope"], ["--party", "nope"]),
        // Characters that cannot be seen, or that reorder what follows.
        .init("an invisible character in an id", ["party", "add", "E\u{200B}U", "--name", "EU"],
              ["party id contains the invisible character U+200B (zero width space); remove it"]),
        .init("an invisible character in a name", ["party", "add", "EU", "--name", "E\u{2060}U"],
              ["name contains the invisible character U+2060 (word joiner)"]),
        .init("an invisible character in a source", overriding(log, ["--source", "IC\u{200B}RC", "--quantity", "5"]),
              ["source contains the invisible character U+200B (zero width space); remove it"]),
        .init("an invisible character in a place", log + ["--quantity", "5", "--place", "Kyiv\u{FEFF}"],
              ["place contains the invisible character U+FEFF"]),
        .init("a soft hyphen in a unit", add + ["--quantity", "5", "--unit", "pris\u{AD}oners"],
              ["unit contains the invisible character U+00AD (soft hyphen)"]),
        .init("an override in a title", ["agreement", "add", "B", "--title", "Talks \u{202E}lufsseccus"],
              ["title contains the bidirectional control character U+202E (right-to-left override)"]),
        .init("a mark in a venue", ["agreement", "add", "B", "--title", "Talks", "--venue", "Istanbul\u{200F}"],
              ["venue contains the bidirectional control character U+200F"]),
        .init("a joiner in an actor", log + ["--quantity", "5", "--actor", "mon\u{200D}itor"],
              ["actor contains the invisible character U+200D"]),
        .init("a joiner in an external id", log + ["--quantity", "5", "--id", "v\u{200C}9"],
              ["id contains the invisible character U+200C"]),
        .init("an override in a note", log + ["--quantity", "5", "--note", "paid \u{202E}0001"],
              ["note contains the bidirectional control character U+202E"]),
        .init("an isolate in a description", breach + ["--description", "strike \u{2067}x\u{2069}"],
              ["description contains the bidirectional control character U+2067"]),
    ]

    @Test("bad data: one-line Error naming what and where, exit 65, ledger byte-identical", arguments: badData)
    func badDataRefused(_ c: RefusedCommand) throws {
        let dir = try TemporaryDirectory()
        let path = try BaseLedger.copy(into: dir)
        let before = try LedgerState(path)
        let outcome = try AccordRunner(dir)(c.arguments)
        #expect(outcome.status == 65, "\(c.name): \(outcome.stderr)")
        #expect(outcome.isOneLineError, "\(c.name): \(outcome.stderr)")
        for word in c.mentions {
            #expect(outcome.stderr.contains(word), "\(c.name): '\(outcome.stderr)' does not mention \(word)")
        }
        #expect(outcome.stdout.isEmpty, "\(c.name)")
        #expect(try LedgerState(path) == before, "\(c.name) changed the ledger")
    }

    static let usage: [RefusedCommand] = [
        .init("an unknown flag", log + ["--quantity", "5", "--frobnicate"], ["--frobnicate"]),
        .init("an unknown subcommand", ["commitment", "frobnicate"]),
        .init("a missing --agreement", ["commitment", "add", "X", "--party", "UA", "--action"], ["--agreement"]),
        .init("a missing --severity", ["breach", "no-strikes", "--party", "RU", "--observed", "2025-05-30", "--source", "UN"],
              ["--severity"]),
        .init("a missing --source", ["log", "UA-release", "--quantity", "5", "--observed", "2025-05-23"], ["--source"]),
        .init("a missing --observed", ["log", "UA-release", "--quantity", "5", "--source", "S"], ["--observed"]),
        .init("a missing commitment", ["log", "--quantity", "5", "--observed", "2025-05-23", "--source", "S"], ["commitment"]),
        .init("a corroboration with a quantity", ["log", "--corroborates", "v1", "--quantity", "5", "--source", "S"], ["--quantity"]),
        .init("an unknown --format", ["report", "--format", "xml"], ["xml"]),
        .init("a missing value", ["party", "add", "EU", "--name"], ["--name"]),
    ]

    @Test("usage errors exit 64 and write nothing", arguments: usage)
    func usageRefused(_ c: RefusedCommand) throws {
        let dir = try TemporaryDirectory()
        let path = try BaseLedger.copy(into: dir)
        let before = try LedgerState(path)
        let outcome = try AccordRunner(dir)(c.arguments)
        #expect(outcome.status == 64, "\(c.name): \(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: "), "\(c.name): \(outcome.stderr)")
        for word in c.mentions {
            #expect(outcome.stderr.contains(word), "\(c.name): '\(outcome.stderr)' does not mention \(word)")
        }
        #expect(outcome.stdout.isEmpty, "\(c.name)")
        #expect(try LedgerState(path) == before, "\(c.name) changed the ledger")
    }
}
