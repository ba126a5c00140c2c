@testable import AccordLedger
import Foundation
import Testing

@Suite("TextRules.sourceKey: when two source names are one source")
struct SourceKeyTests {
    @Test("spellings a reader takes for ICRC give one key", arguments: [
        "ICRC", "icrc", "Icrc", " ICRC ", "\tICRC\n", "IC\u{200B}RC", "ICRC\u{FEFF}", "I\u{00AD}CRC", "\u{202E}ICRC", "IC\u{2060}RC",
        "I\u{0421}RC", "І\u{0421}R\u{0441}", "ＩＣＲＣ", "ｉｃｒｃ", "𝐈𝐂𝐑𝐂", "𝕀ℂℝℂ", "𝓘𝓒𝓡𝓒", "ⒾⒸⓇⒸ", "ⓘⓒⓡⓒ", "🄸🄲🅁🄲", "I\u{0421}R\u{03F9}",
    ])
    func icrc(spelling: String) {
        #expect(TextRules.sourceKey(spelling) == "icrc", "\(spelling.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test("names that differ give different keys", arguments: [
        ("ICRC", "ICRC Kyiv"), ("ICRC", "ICRS"), ("UN HRMMU", "UN-HRMMU"), ("UN HRMMU", "UNHRMMU"), ("Kyiv", "Kiev"),
        ("é", "e"), ("Міноборони", "Минобороны"), ("ß", "s"), ("①", "②"),
    ])
    func distinct(a: String, b: String) {
        #expect(TextRules.sourceKey(a) != TextRules.sourceKey(b))
    }

    @Test("known keys", arguments: [
        ("Straße", "strasse"), ("STRASSE", "strasse"), ("ẞ", "ss"), ("ﬁnance ﬂow", "finance flow"), ("x²", "x2"), ("H₂O", "h2o"),
        ("ᴬᴮᶜ", "abc"), ("Ⅻ", "xii"), ("①", "1"), ("⑳", "20"), ("⑴", "(1)"), ("⒜", "(a)"), ("  UN   HRMMU\t", "un hrmmu"),
        ("UN\u{00A0}HRMMU", "un hrmmu"), ("UN\u{3000}HRMMU", "un hrmmu"), ("UN\u{2003}\u{2003}HRMMU", "un hrmmu"),
        ("ΝΑΤΟ", "nato"), ("νατο", "nato"), ("Ν", "n"), ("ΟΗΕ", "ohe"), ("ℌ𝔢𝔩𝔩𝔬", "hello"), ("Ｕ．Ｎ．", "u.n."), ("ǅ", "dž"),
        ("e\u{301}", "é"), ("É", "é"), ("ℹ", "i"), ("№ 5", "no 5"), ("𝟏𝟐𝟑", "123"), ("ÅNGSTRÖM", "ångström"),
        ("\u{212B}", "å"), ("ɪᴄʀᴄ", "ɪᴄʀᴄ"), ("ıcrc", "icrc"), ("Յ", "յ"), ("Օս", "ou"), ("ХЕРСОН", "xepcoh"),
        ("Херсон", "xepcoh"), ("", ""), ("   ", ""), ("\u{200B}", ""),
    ])
    func known(name: String, key: String) {
        #expect(TextRules.sourceKey(name) == key, "\(TextRules.sourceKey(name).unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test("Cyrillic and Greek names keep one key in either case", arguments: [
        ("Міноборони України", "МІНОБОРОНИ УКРАЇНИ"), ("Херсон", "ХЕРСОН"), ("Ελληνική Αστυνομία", "ΕΛΛΗΝΙΚΉ ΑΣΤΥΝΟΜΊΑ"),
    ])
    func caseInsensitive(a: String, b: String) {
        #expect(TextRules.sourceKey(a) == TextRules.sourceKey(b))
    }

    @Test("the key is its own key, and ASCII gives the same key through the fast path and the full one", arguments: [
        "ICRC", "  Coordination   HQ (UA) ", "Wire report", "UN HRMMU", "Straße", "ＩＣＲＣ", "ΝΑΤΟ", "a\tb\r\nc", "MiXeD 123 !?",
    ])
    func stable(name: String) {
        let key = TextRules.sourceKey(name)
        #expect(TextRules.sourceKey(key) == key)
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            // A zero-width space forces the full path; it is removed before anything else.
            #expect(TextRules.sourceKey(name + "\u{200B}") == key)
        }
    }

    /// The code points the compatibility tables cover.
    static let covered: [ClosedRange<UInt32>] = [
        0xA0...0xBF, 0x132...0x133, 0x13F...0x140, 0x149...0x149, 0x17F...0x17F, 0x1C4...0x1CC, 0x1F1...0x1F3, 0x2B0...0x2B8,
        0x2E0...0x2E4, 0x3D0...0x3F9, 0x1D2C...0x1D6A, 0x1D9B...0x1DBF, 0x1E9A...0x1E9A, 0x2070...0x209C, 0x20A8...0x20A8,
        0x2100...0x2189, 0x2460...0x24EA, 0x2C7C...0x2C7D, 0x3000...0x3000, 0x3250...0x325F, 0x32B1...0x32BF, 0x32CC...0x32CF,
        0xA7F2...0xA7F9, 0xFB00...0xFB06, 0xFF01...0xFF5E, 0x1D400...0x1D7FF,
        0x1F100...0x1F10A, 0x1F110...0x1F14F, 0x1F16A...0x1F16C, 0x1F190...0x1F190, 0x1FBF0...0x1FBF9,
    ]

    @Test("over the blocks it covers, the key without look-alikes is exactly NFKC and full case folding (Python's unicodedata)")
    func agreesWithPython() throws {
        let points = Self.covered.flatMap { Array($0) }
        let script = """
            import json, sys, unicodedata as u
            out = {}
            for cp in map(int, sys.stdin.read().split()):
                c = chr(cp)
                if u.category(c) == 'Cn':
                    continue
                n = u.normalize('NFKC', u.normalize('NFKC', c).casefold())
                out[cp] = u.normalize('NFC', u.normalize('NFKC', n.casefold()))
            print(json.dumps(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(points.map(String.init).joined(separator: " ").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(expected.count > 1_500)
        var mismatches: [String] = []
        for (key, value) in expected {
            let point = try #require(UInt32(key))
            let scalar = try #require(Unicode.Scalar(point))
            // Code points newer than Python's Unicode 14 are compared by the Swift side only.
            guard let age = scalar.properties.age, age.major < 14 || (age.major == 14 && age.minor == 0) else { continue }
            let mine = String(decoding: String(String.UnicodeScalarView(
                TextRules.compatibilityFolded(String(Character(scalar)), lookalikes: false)))._nfcCodeUnits, as: UTF8.self)
            if scalar.properties.isDefaultIgnorableCodePoint {
                // Removed, as NFKC_Casefold removes it (Python's NFKC alone keeps it).
                if !mine.isEmpty { mismatches.append("U+\(String(point, radix: 16, uppercase: true)) kept") }
            } else if mine != value {
                mismatches.append("U+\(String(point, radix: 16, uppercase: true)) \(Character(scalar)): \(mine.debugDescription) "
                                  + "≠ \(value.debugDescription)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.sorted().prefix(80).joined(separator: "\n"))")
    }
}
