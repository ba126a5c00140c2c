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
}
