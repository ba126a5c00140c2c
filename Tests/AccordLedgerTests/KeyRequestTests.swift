@testable import AccordLedger
import AccordTrust
import Crypto
import Testing

/// The proof-of-possession message (a known-answer vector written from
/// docs/JOURNAL.md §4), key requests as text, and the actor rule's byte
/// comparison.
@Suite("Key requests")
struct KeyRequestTests {
    @Test("the possession message is the tag, str name, the raw key, the role code and list<str> actors")
    func possessionMessage() {
        let registration = KeyRegistration(name: "mon", publicKey: [UInt8](repeating: 0x11, count: 32), role: .monitor,
                                           actors: ["ICRC"])
        let expected = "6163636f7264206b657920706f7373657373696f6e20763100"  // "accord key possession v1" NUL
            + "00000003" + "6d6f6e"  // str "mon"
            + String(repeating: "11", count: 32)  // the public key
            + "01"  // role: monitor
            + "00000001" + "00000004" + "49435243"  // list<str> ["ICRC"]
        #expect(CanonicalEncodingTests.hex(registration.possessionMessage) == expected)
        var admin = registration
        admin.role = .admin
        admin.actors = []
        #expect(CanonicalEncodingTests.hex(admin.possessionMessage).hasSuffix(String(repeating: "11", count: 32) + "02" + "00000000"))
    }

    @Test("a request's text parses back to the same registration; altered, it is refused")
    func requestText() throws {
        let key = try NoteSigningKey.generate(name: "field-1")
        let request = try KeyRequest(key: key, role: .monitor, actors: ["ICRC", "ICRC-HQ"])
        #expect(request.registration.provesPossession)
        let fields = request.text.split(separator: " ").map(String.init)
        #expect(fields.count == 5)
        #expect(fields[0] == "accord-key-request-v1" && fields[1] == key.verifierKey.text && fields[2] == "monitor"
                && fields[3] == "ICRC,ICRC-HQ")
        #expect(try KeyRequest(parsing: request.text + "\n", source: "r") == request)

        for altered in [[fields[0], fields[1], "admin", fields[3], fields[4]], [fields[0], fields[1], fields[2], "ICRC", fields[4]],
                        [fields[0], fields[1], fields[2], "-", fields[4]]] {
            let error = #expect(throws: LedgerError.self) { try KeyRequest(parsing: altered.joined(separator: " "), source: "r") }
            #expect(error?.code == .badInput && error?.message.contains("does not verify") == true, "\(String(describing: error))")
        }
        for malformed in ["", fields.prefix(4).joined(separator: " "), (["accord-key-request-v2"] + fields.dropFirst()).joined(separator: " "),
                          [fields[0], fields[1], fields[2], "ICRC,,x", fields[4]].joined(separator: " "),
                          [fields[0], fields[1], "boss", fields[3], fields[4]].joined(separator: " ")] {
            let error = #expect(throws: LedgerError.self) { try KeyRequest(parsing: malformed, source: "r") }
            #expect(error?.code == .badInput)
        }
        // Bad actors are refused when the request is made.
        for actors in [["field-1"], ["ICRC", "ICRC"], ["two words"], ["a,b"]] {
            #expect(throws: LedgerError.self) { try KeyRequest(key: key, actors: actors) }
        }
        #expect(throws: LedgerError.self) { try KeyRequest(key: try NoteSigningKey.generate(name: "unsigned")) }
    }

    @Test("a key signs as its name or its actors, compared as bytes")
    func signsAs() {
        let registration = KeyRegistration(name: "UK", publicKey: [UInt8](repeating: 1, count: 32), actors: ["ICRC"])
        #expect(registration.signs(as: "UK") && registration.signs(as: "ICRC"))
        #expect(!registration.signs(as: "U\u{212A}"))  // a Kelvin sign: canonically equivalent, other bytes
        #expect(!registration.signs(as: "icrc") && !registration.signs(as: "UK "))
    }
}
