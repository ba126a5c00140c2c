// accord-fault-writer: a long-running writer for the fault suites.
//
// It opens one ledger once and appends in a loop, writing `ack <id> <seq>` to
// stdout (unbuffered) only after each transaction has committed, so a test that
// kills it with SIGKILL at any moment knows exactly which entries were
// acknowledged and must have survived. With --checkpoint-key it also signs a
// checkpoint every --checkpoint-every appends and acknowledges it as
// `checkpoint <size> <root>`.
//
//   accord-fault-writer --db PATH --prefix P [--count N] [--start I]
//       [--checkpoint-key FILE] [--checkpoint-every K] [--note-bytes B]
//
// Appends are verifications of UA-release (quantity 1) and, every third one,
// breaches of RU-no-strikes: the demo ledger's commitments. Exit 0 when all N
// are written; 1 with `error <message>` on stderr otherwise.

import AccordFiles
import AccordLedger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func say(_ line: String, to descriptor: Int32 = 1) {
    var bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { exit(1) }
        offset += written
    }
}

var options: [String: String] = [:]
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let name = arguments.removeFirst()
    guard name.hasPrefix("--"), !arguments.isEmpty else {
        say("error usage: accord-fault-writer --db PATH --prefix P [--count N] [--start I] [--checkpoint-key FILE] [--checkpoint-every K] [--note-bytes B]", to: 2)
        exit(64)
    }
    options[String(name.dropFirst(2))] = arguments.removeFirst()
}

let path = options["db"] ?? "accord.sqlite"
let prefix = options["prefix"] ?? "w"
let count = Int(options["count"] ?? "0") ?? 0
let start = Int(options["start"] ?? "0") ?? 0
let every = Int(options["checkpoint-every"] ?? "0") ?? 0
let noteBytes = Int(options["note-bytes"] ?? "0") ?? 0
let recorder = Recorder(actor: "fault-writer")

// Like the command line, the writer takes its clock from ACCORD_NOW when set.
let clock: LedgerClock = {
    guard let fixed = getenv("ACCORD_NOW").map({ String(cString: $0) }), !fixed.isEmpty,
          let moment = try? Moment(parsing: fixed, field: .recordedAt) else { return .system }
    return .fixed(moment.timestamp, source: "ACCORD_NOW")
}()

do {
    let ledger = try Ledger.open(at: path, settings: LedgerSettings(clock: clock))
    let key = try options["checkpoint-key"].map { try Keys.signingKey(at: $0) }
    let note: String? = noteBytes > 0 ? String(repeating: "n", count: noteBytes) : nil
    var index = start
    while count == 0 || index < start + count {
        let id = "\(prefix)-\(index)"
        let recorded: Receipt
        if index % 3 == 2 {
            var input = BreachInput(commitment: "RU-no-strikes", party: "RU", observed: "2025-06-02", severity: "minor",
                                    source: SourceInput(name: "fault writer", kind: "monitor"))
            input.externalID = id
            input.note = note
            recorded = try ledger.recordBreach(input, as: recorder)
        } else {
            var input = VerificationInput(commitment: "UA-release", observed: "2025-05-26",
                                          source: SourceInput(name: "fault writer", kind: "monitor"))
            input.quantity = "1"
            input.externalID = id
            input.note = note
            recorded = try ledger.log(input, as: recorder)
        }
        say("ack \(id) \(recorded.seq)")
        index += 1
        if let key, every > 0, (index - start) % every == 0 {
            let checkpoint = try ledger.checkpoint(signingWith: key)
            say("checkpoint \(checkpoint.size) \(checkpoint.root.hex)")
        }
    }
} catch {
    say("error \(error)", to: 2)
    exit(1)
}
