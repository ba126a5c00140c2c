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
            printError("Signing with key \(signing.name): a \(decoded.kind.rawValue) claim, as actor \(decoded.actor)")
            for field in decoded.fields {
                printError("  \(field.name): \(SignClaim.printable(field.value))")
            }
            print(ByteEncoding.base64(try signing.signature(for: bytes)))
        }

        /// `text` as one terminal line: control characters shown as `?`, at most 200 characters.
        static func printable(_ text: String) -> String {
            let shown = String(text.unicodeScalars.prefix(200).map { scalar -> Character in
                scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) ? "?" : Character(scalar)
            })
            return text.unicodeScalars.count > 200 ? shown + "…" : shown
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
