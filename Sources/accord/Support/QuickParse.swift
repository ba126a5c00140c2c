import ArgumentParser

/// `accord log` in its plain form, read without swift-argument-parser.
///
/// A monitor may start one `accord log` process per entry, and building the
/// whole command tree by reflection (and the Swift runtime's first lookups of
/// the property wrappers' conformances) costs more instructions than the
/// append itself (docs/PERFORMANCE.md, P2). This reads only what it is sure
/// of: the subcommand word `log` first, then separate `--name value` pairs of
/// the command's own options, its two flags and at most one commitment. It
/// sets every property of the command itself, then runs the same
/// `validate()`s the parser would.
///
/// Anything else — help, `--version`, `--name=value`, `--`, a short option, a
/// value that starts with `-` where the parser would read an option, an
/// unknown option, a second positional value, a format that is not a
/// `ReceiptFormat`, a command that does not validate — returns nil, and the
/// caller parses the whole line with swift-argument-parser, which gives its
/// own help and errors. So this never accepts a line the parser refuses, and
/// never reads one differently: a test logs the same entries through both.
///
/// A test compares the options and flags read here with the parser's own
/// list for `log` (`--experimental-dump-help`): an option added to the
/// command or to one of its option groups must be added here too (its default
/// in `LogParts.init`, its value in `LogParts.set`), and the test fails until
/// it is.
enum QuickParse {
    /// The options of `log` whose value the parser takes whatever it looks
    /// like (`parsing: .unconditional`): `--quantity -3`, `--lat -33.9`.
    static let unconditional: Set<String> = ["--quantity", "--lat", "--lon"]

    /// The command and its option groups, every property set to what the
    /// parser gives when the option is left out.
    struct LogParts {
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

        /// Sets option `name` (of `log` or one of its groups) to `value`;
        /// false for any other name, or a value the option does not take.
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

        /// The command with its groups in place, validated as the parser
        /// validates it (each group, then the command); nil when one refuses.
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

    /// The `log` command `arguments` (after ``GlobalOptions/hoistingGlobalOptions(_:)``)
    /// give, or nil when swift-argument-parser must read them.
    static func log(_ arguments: [String]) -> LogCommand? {
        guard arguments.first == "log" else { return nil }
        var parts = LogParts()
        var seen: Set<String> = []
        var index = 1
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard !word.isEmpty else { return nil }
            guard word.hasPrefix("-") else {
                guard parts.command.commitment == nil else { return nil }
                parts.command.commitment = word
                continue
            }
            guard seen.insert(word).inserted else { return nil }
            switch word {
            case "--done": parts.command.done = true
            case "--not-done": parts.command.notDone = true
            default:
                guard index < arguments.count else { return nil }
                let value = arguments[index]
                index += 1
                if value.isEmpty || (!unconditional.contains(word) && value.hasPrefix("-")) { return nil }
                guard parts.set(word, value) else { return nil }
            }
        }
        return parts.assembled()
    }
}
