@testable import AccordLedger
@testable import AccordPresentation
import Testing

@Suite("JSONWriter")
struct JSONWriterTests {
    /// The same document as a tree, for `JSON.write` to print.
    static let tree: JSON = .object([
        ("name", .string("say \"hi\"\n")),
        ("empty", .array([])),
        ("none", .object([])),
        ("rows", .array([
            .object([("a", .int(1)), ("list", .array([.string("x"), .null]))]),
            .object([("b", .number(0.5)), ("nested", .object([("ok", .bool(true))]))]),
        ])),
    ])

    /// Writes the same document as it goes.
    static func streamed(pretty: Bool) -> String {
        let output = TextOutput(collecting: ())
        var json = JSONWriter(to: output, pretty: pretty)
        json.object { json in
            json.member("name", .string("say \"hi\"\n"))
            json.member("empty", array: { _ in })
            json.member("none", object: { _ in })
            json.member("rows", array: { json in
                json.element(object: { json in
                    json.member("a", .int(1))
                    json.member("list", .array([.string("x"), .null]))
                })
                json.element(object: { json in
                    json.member("b", .number(0.5))
                    json.member("nested", object: { json in json.member("ok", .bool(true)) })
                })
            })
        }
        json.finish()
        return output.collected
    }

    @Test("writes byte for byte what the tree prints, pretty and compact", arguments: [true, false])
    func sameAsTree(pretty: Bool) {
        #expect(Self.streamed(pretty: pretty) == Self.tree.serialized(pretty: pretty) + "\n")
    }

    /// An item of the array written on two threads: text that needs escapes, nesting, empty containers.
    static func item(_ index: Int) -> JSON {
        .object([
            ("id", .string("C\(index)")),
            ("note", .string(index % 7 == 0 ? "line \"\(index)\"\n\u{2028}tab\t" : "plain \(index)")),
            ("count", .int(Int64(index) * 1_000_003)),
            ("rate", index % 3 == 0 ? .null : .number(Double(index) / 7)),
            ("tags", .array(index % 5 == 0 ? [] : [.string("a"), .int(Int64(index))])),
            ("inner", .object(index % 4 == 0 ? [] : [("deep", .object([("ok", .bool(index % 2 == 0))]))])),
        ])
    }

    /// A document whose array of `count` items sits three levels deep,
    /// written with ``JSONWriter/elements(_:minimumForTwoThreads:_:)``.
    static func withElements(_ count: Int, pretty: Bool, minimum: Int, writes: @escaping @Sendable (Int) -> Bool = { _ in true }) -> [UInt8] {
        let output = TextOutput(collecting: ())
        var json = JSONWriter(to: output, pretty: pretty)
        json.object { json in
            json.member("before", .string("x"))
            json.member("outer", array: { json in
                json.element(object: { json in
                    json.member("items", array: { json in
                        json.elements(Array(0..<count), minimumForTwoThreads: minimum) { json, index in
                            guard writes(index) else { return }
                            json.element(object: { json in
                                guard case .object(let members) = item(index) else { return }
                                for (name, value) in members { json.member(name, value) }
                            })
                        }
                    })
                    json.member("after", .int(1))
                })
            })
        }
        json.finish()
        return Array(output.collected.utf8)
    }

    @Test("elements written on two threads are the bytes one thread writes", arguments: [true, false])
    func elementsOnTwoThreads(pretty: Bool) {
        // 3,001 items make about 300 KB: the first half is handed to the output in several chunks before the second.
        for count in [0, 1, 2, 3, 10, 3_001] {
            let tree = JSON.object([
                ("before", .string("x")),
                ("outer", .array([.object([("items", .array((0..<count).map(Self.item))), ("after", .int(1))])])),
            ])
            let expected = Array((tree.serialized(pretty: pretty) + "\n").utf8)
            #expect(Self.firstDifference(Self.withElements(count, pretty: pretty, minimum: .max), expected) == nil,
                    "one thread, \(count) items")
            #expect(Self.firstDifference(Self.withElements(count, pretty: pretty, minimum: 2), expected) == nil,
                    "two threads, \(count) items")
        }
    }

    @Test("elements whose writing writes nothing for some items, in either half or both", arguments: [true, false])
    func elementsSkipped(pretty: Bool) {
        let skips: [(String, @Sendable (Int) -> Bool)] = [
            ("none written", { _ in false }), ("first half only", { $0 < 5 }), ("second half only", { $0 >= 5 }),
            ("odd ones", { $0 % 2 == 0 }), ("the last only", { $0 == 9 }),
        ]
        for (name, writes) in skips {
            let one = Self.withElements(10, pretty: pretty, minimum: .max, writes: writes)
            #expect(Self.firstDifference(Self.withElements(10, pretty: pretty, minimum: 2, writes: writes), one) == nil, "\(name)")
            let tree = JSON.object([
                ("before", .string("x")),
                ("outer", .array([.object([("items", .array((0..<10).filter(writes).map(Self.item))), ("after", .int(1))])])),
            ])
            #expect(Self.firstDifference(one, Array((tree.serialized(pretty: pretty) + "\n").utf8)) == nil, "\(name), one thread")
        }
    }

    /// Where two byte strings first differ (nil: equal), so that a failure names a place rather than printing both.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int? {
        a == b ? nil : (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    }

    @Test("strings are escaped the same way as bytes and as text, short and long")
    func stringEscapes() {
        let cases: [(String, String)] = [
            ("", #""""#),
            ("C0001", #""C0001""#),
            ("a longer plain string of more than fifteen bytes", #""a longer plain string of more than fifteen bytes""#),
            ("say \"hi\"", #""say \"hi\"""#),
            ("back\\slash", #""back\\slash""#),
            ("line\nfeed\r\t", #""line\nfeed\r\t""#),
            ("\u{01}\u{1F}\u{7F}", #""\u0001\u001f\u007f""#),
            ("sep\u{2028}and\u{2029}", #""sep\u2028and\u2029""#),
            ("é – “quoted” 🕊", #""é – “quoted” 🕊""#),
        ]
        for (text, expected) in cases {
            var bytes: [UInt8] = []
            JSON.quote(text, into: &bytes)
            var string = ""
            JSON.quote(text, into: &string)
            #expect(bytes == Array(expected.utf8), "bytes of \(TextRules.printable(text))")
            #expect(Array(string.utf8) == Array(expected.utf8), "text of \(TextRules.printable(text))")
        }
    }
}
