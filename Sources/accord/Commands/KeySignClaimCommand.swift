import AccordLedger
import AccordTrust
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KeyCommand {
    /// `accord key sign-claim`: signs a claim that `accord serve` prepared
    /// (`POST …?prepare=true`), so that scripts holding a key-bound token
    /// can record signed entries over HTTP.
    struct SignClaim: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sign-claim",
            abstract: "Sign a claim prepared by `accord serve` (base64, on standard input) and print the signature in base64.",
            discussion: """
                A token bound to a key records only signed entries: send the request with ?prepare=true, sign the \
                "claim" it answers with this command, and send the same fields again with "signature" set to what it \
                prints. It refuses bytes that are not a claim, and says on standard error what is being signed.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Your private key file (the key the token is bound to).", valueName: "file")) var key: String
        @Option(help: ArgumentHelp("The claim in base64 (default: read from standard input).", valueName: "base64"))
        var claim: String?

        /// More than any claim a server prepares (its bodies are capped far below).
        static let inputLimit = 1 << 20

        func run() throws {
            let signing = try Keys.signingKey(at: key)
            let source = claim == nil ? "standard input" : "--claim"
            let text = try claim ?? SignClaim.readStandardInput(limit: SignClaim.inputLimit)
            guard let bytes = ByteEncoding.decodeBase64(String(text.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) })), !bytes.isEmpty else {
                throw LedgerError(.invalid(.claim), "\(source): not base64; give the \"claim\" that a prepare request answered")
            }
            let decoded: Claim
            do {
                decoded = try Claim(decoding: bytes)
            } catch let error as LedgerError {
                throw LedgerError(error.kind, "\(source): \(error.message(CommandLinePhrasing()))")
            }
            guard SignClaim.preparedKinds.contains(decoded.kind) else {
                throw LedgerError(.invalid(.claim), "\(source): a \(decoded.kind.rawValue) claim, which no recording route of "
                                  + "accord serve prepares; refusing to sign it (keys, tokens and voids are recorded on the "
                                  + "ledger file, with --sign-with)")
            }
            printError("Signing with key \(signing.name): a \(decoded.kind.rawValue) claim, as actor "
                       + SignClaim.printable(decoded.actor) + ". Every field it holds (quantities in the commitment's "
                       + "smallest unit: 5.00 of a commitment with 2 decimals is 500):")
            for field in SignClaim.fields(of: decoded.payload) {
                printError("  \(field.name): \(SignClaim.printable(field.value))")
            }
            print(ByteEncoding.base64(try signing.signature(for: bytes)))
        }

        /// The kinds of entry the recording routes of `accord serve` prepare
        /// for a key-bound token: nothing else is signed from a prepared claim.
        static let preparedKinds: Set<EntryKind> = [
            .partyAdd, .agreementAdd, .commitmentAdd, .commitmentWithdraw, .guaranteeAdd, .guaranteeInvoke, .amendment,
            .verification, .breach, .corroboration, .correction, .retraction, .dispute, .adjudication,
        ]

        /// `text` as one terminal line, whole: control, invisible and
        /// bidirectional characters escaped (`\u{202e}`), nothing cut.
        static func printable(_ text: String) -> String {
            TextRules.printable(text, limit: Int.max)
        }

        /// Every field of `payload`, as stored, by its path (`measure.quantity`,
        /// `source.name`): read from the value itself, so no field can be left
        /// out of what the signer is shown. Absent optional fields are left out.
        static func fields(of payload: Payload) -> [(name: String, value: String)] {
            var fields: [(name: String, value: String)] = []
            let top = Mirror(reflecting: payload)
            for child in top.children { collect(child.value, path: "", into: &fields) }
            return fields
        }

        private static func collect(_ value: Any, path: String, into fields: inout [(name: String, value: String)]) {
            let name = path.isEmpty ? "value" : path
            switch value {
            case let text as String: fields.append((name, text)); return
            case let flag as Bool: fields.append((name, flag ? "yes" : "no")); return
            case let number as any BinaryInteger: fields.append((name, "\(number)")); return
            case let number as Double: fields.append((name, "\(number)")); return
            case let moment as Moment: fields.append((name, moment.text)); return
            case let quantity as Quantity: fields.append((name, "\(quantity.units)")); return
            case let hash as Hash32: fields.append((name, hash.hex)); return
            case let bytes as [UInt8]: fields.append((name, bytes.map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined())); return
            case let word as any RawRepresentable<String>: fields.append((name, word.rawValue)); return
            default: break
            }
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional:
                if let some = mirror.children.first { collect(some.value, path: path, into: &fields) }
            case .enum:
                guard let payload = mirror.children.first else {
                    fields.append((name, "\(value)"))
                    return
                }
                collect(payload.value, path: join(path, payload.label ?? "value"), into: &fields)
            case .collection, .set:
                if mirror.children.isEmpty { fields.append((name, "(none)")) }
                for (index, child) in mirror.children.enumerated() { collect(child.value, path: "\(name)[\(index)]", into: &fields) }
            default:
                if mirror.children.isEmpty { fields.append((name, "\(value)")) }
                for child in mirror.children { collect(child.value, path: join(path, child.label ?? "value"), into: &fields) }
            }
        }

        private static func join(_ path: String, _ label: String) -> String {
            path.isEmpty ? label : path + "." + label
        }

        /// Standard input as text, refusing more than `limit` bytes.
        static func readStandardInput(limit: Int) throws -> String {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else {
                    throw LedgerError(.io, "cannot read standard input: \(String(cString: strerror(errno)))")
                }
                if count == 0 { break }
                bytes += buffer[0..<count]
                guard bytes.count <= limit else {
                    throw LedgerError(.invalid(.claim), "standard input: more than \(limit) bytes, which no claim is")
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
