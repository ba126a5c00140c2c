import AccordPresentation
import ArgumentParser

/// The commands run most often, `accord log` (one process per entry) and
/// `accord report`, read without swift-argument-parser in their plain form.
///
/// Building the command tree by reflection (and the Swift runtime's first
/// lookups of the property wrappers' conformances) costs more instructions
/// than `log`'s append itself, and about 20 million, 3–4 ms, before any
/// report (docs/PERFORMANCE.md, P2 and P3). This reads only what it is sure
/// of: the subcommand word first, then separate `--name value` pairs of the
/// command's own options, its flags and its positional values. It sets every
/// property of the command itself, then runs the same `validate()`s the
/// parser would.
///
/// Anything else — help, `--version`, `--name=value`, `--`, a short option, a
/// value that starts with `-` where the parser would read an option, an
/// unknown option, an option given twice, one positional value too many, a
/// value that is not one of the option's words (`--format yaml`), a command
/// that does not validate — returns nil, and the caller parses the whole line
/// with swift-argument-parser, which gives its own help and errors. So this
/// never accepts a line the parser refuses, and never reads one differently:
/// tests run the same lines through both.
///
/// Tests compare the options and flags read here with the parser's own lists
/// (`--experimental-dump-help`): an option added to one of these commands or
/// to one of their option groups must be added here too (its default in the
/// parts' `init`, its value in their `set`), and the tests fail until it is.
enum QuickParse {
    /// The command `arguments` (after ``GlobalOptions/hoistingGlobalOptions(_:)``)
    /// give, or nil when swift-argument-parser must read them.
    static func command(_ arguments: [String]) -> ParsableCommand? {
        switch arguments.first {
        case LogParts.word: read(LogParts.self, arguments)
        case ReportParts.word: read(ReportParts.self, arguments)
        default: nil
        }
    }

    /// Reads `arguments`, whose first is `Parts.word`, into a command.
    static func read<Parts: QuickParts>(_: Parts.Type, _ arguments: [String]) -> Parts.Command? {
        var parts = Parts()
        var seen: Set<String> = []
        var index = 1
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard !word.isEmpty else { return nil }
            guard word.hasPrefix("-") else {
                guard parts.positional(word) else { return nil }
                continue
            }
            guard seen.insert(word).inserted else { return nil }
            if parts.flag(word) { continue }
            guard index < arguments.count else { return nil }
            let value = arguments[index]
            index += 1
            if value.isEmpty || (!Parts.unconditional.contains(word) && value.hasPrefix("-")) { return nil }
            guard parts.set(word, value) else { return nil }
        }
        return parts.assembled()
    }
}

/// A command QuickParse reads: every property at the parser's default, then
/// set from the line.
protocol QuickParts {
    /// The command these parts make.
    associatedtype Command: ParsableCommand
    /// The subcommand's word (`log`).
    static var word: String { get }
    /// The options whose value the parser takes whatever it looks like
    /// (`parsing: .unconditional`): `--quantity -3`, `--lat -33.9`.
    static var unconditional: Set<String> { get }
    /// Every property as the parser leaves it when its option is not given.
    init()
    /// Sets option `name` to `value`; false for any other name, or a value the option does not take.
    mutating func set(_ name: String, _ value: String) -> Bool
    /// Sets flag `name`; false for a name that is not one of its flags.
    mutating func flag(_ name: String) -> Bool
    /// Takes the next positional value; false when the command takes no more.
    mutating func positional(_ value: String) -> Bool
    /// The command with its groups in place, validated as the parser
    /// validates it (each group, then the command); nil when one refuses.
    func assembled() -> Command?
}

extension QuickParse {
    /// `log` and its option groups.
    struct LogParts: QuickParts {
        static let word = "log"
        static let unconditional: Set<String> = ["--quantity", "--lat", "--lon"]

        var command = LogCommand()
        var global = GlobalOptions()
        var actor = ActorOptions()
        var recorder = RecorderOptions()
        var receipt = ReceiptOptions()
        var evidence = EvidenceOptions()
        var remote = RemoteSource()
        var credentials = RemoteOptions()

        init() {
            global.db = nil
            global.wait = nil
            actor.actor = nil
            recorder.signWith = nil
            receipt.format = .text
            command.commitment = nil
            command.quantity = nil
            command.done = false
            command.notDone = false
            command.observed = nil
            command.precision = nil
            command.corroborates = nil
            evidence.source = nil
            evidence.sourceKind = nil
            evidence.confidence = nil
            evidence.externalID = nil
            evidence.evidence = nil
            evidence.evidenceSHA256 = nil
            evidence.evidenceURI = nil
            evidence.note = nil
            evidence.place = nil
            evidence.lat = nil
            evidence.lon = nil
            evidence.geoPrecision = nil
            remote.remote = nil
            credentials.token = nil
        }

        mutating func set(_ name: String, _ value: String) -> Bool {
            switch name {
            case "--db": global.db = value
            case "--wait": global.wait = value
            case "--actor": actor.actor = value
            case "--sign-with": recorder.signWith = value
            case "--format":
                guard let format = ReceiptFormat(rawValue: value) else { return false }
                receipt.format = format
            case "--quantity": command.quantity = value
            case "--observed": command.observed = value
            case "--precision": command.precision = value
            case "--corroborates": command.corroborates = value
            case "--source": evidence.source = value
            case "--source-kind": evidence.sourceKind = value
            case "--confidence": evidence.confidence = value
            case "--id": evidence.externalID = value
            case "--evidence": evidence.evidence = value
            case "--evidence-sha256": evidence.evidenceSHA256 = value
            case "--evidence-uri": evidence.evidenceURI = value
            case "--note": evidence.note = value
            case "--place": evidence.place = value
            case "--lat": evidence.lat = value
            case "--lon": evidence.lon = value
            case "--geo-precision": evidence.geoPrecision = value
            case "--remote": remote.remote = value
            case "--token": credentials.token = value
            default: return false
            }
            return true
        }

        mutating func flag(_ name: String) -> Bool {
            switch name {
            case "--done": command.done = true
            case "--not-done": command.notDone = true
            default: return false
            }
            return true
        }

        mutating func positional(_ value: String) -> Bool {
            guard command.commitment == nil else { return false }
            command.commitment = value
            return true
        }

        func assembled() -> LogCommand? {
            var (global, actor, recorder, receipt, evidence, command) = (global, actor, recorder, receipt, evidence, command)
            var (remote, credentials) = (remote, credentials)
            do {
                try global.validate()
                try actor.validate()
                recorder.who = actor
                try recorder.validate()
                try receipt.validate()
                try evidence.validate()
                try credentials.validate()
                remote.credentials = credentials
                try remote.validate()
                command.global = global
                command.recorder = recorder
                command.receiptOptions = receipt
                command.evidence = evidence
                command.remote = remote
                try command.validate()
            } catch {
                return nil
            }
            return command
        }
    }
}

extension QuickParse {
    /// `report` and its option groups.
    struct ReportParts: QuickParts {
        static let word = "report"
        static let unconditional: Set<String> = []

        var command = ReportCommand()
        var global = GlobalOptions()
        var output = OutputOptions()
        var header = HeaderOption()
        var cells = CellOptions()
        var when = WhenOptions()
        var knowledge = AsOfOption()
        var remote = RemoteSource()
        var credentials = RemoteOptions()

        init() {
            global.db = nil
            global.wait = nil
            output.format = .table
            header.noHeader = false
            cells.raw = false
            cells.bom = false
            when.at = nil
            knowledge.asOf = nil
            command.agreement = nil
            command.party = nil
            command.minConfidence = nil
            command.section = nil
            remote.remote = nil
            credentials.token = nil
        }

        mutating func set(_ name: String, _ value: String) -> Bool {
            switch name {
            case "--db": global.db = value
            case "--wait": global.wait = value
            case "--format":
                guard let format = OutputFormat(rawValue: value) else { return false }
                output.format = format
            case "--at": when.at = value
            case "--as-of": knowledge.asOf = value
            case "--agreement": command.agreement = value
            case "--party": command.party = value
            case "--min-confidence": command.minConfidence = value
            case "--section":
                guard let section = ReportSection(rawValue: value) else { return false }
                command.section = section
            case "--remote": remote.remote = value
            case "--token": credentials.token = value
            default: return false
            }
            return true
        }

        mutating func flag(_ name: String) -> Bool {
            switch name {
            case "--no-header": header.noHeader = true
            case "--raw": cells.raw = true
            case "--bom": cells.bom = true
            default: return false
            }
            return true
        }

        mutating func positional(_ value: String) -> Bool { false }

        func assembled() -> ReportCommand? {
            var (global, output, when, remote, command) = (global, output, when, remote, command)
            var (header, cells, knowledge, credentials) = (header, cells, knowledge, credentials)
            do {
                try global.validate()
                try header.validate()
                try cells.validate()
                output.headerOption = header
                output.cells = cells
                try output.validate()
                try knowledge.validate()
                when.knowledge = knowledge
                try when.validate()
                try credentials.validate()
                remote.credentials = credentials
                try remote.validate()
                command.global = global
                command.output = output
                command.when = when
                command.remote = remote
                try command.validate()
            } catch {
                return nil
            }
            return command
        }
    }
}
