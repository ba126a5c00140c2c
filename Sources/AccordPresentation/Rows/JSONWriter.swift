import AccordLedger

/// Writes JSON as it goes, in exactly the layout of ``JSON/write(to:pretty:indent:)``
/// (two-space indentation when pretty), without building a tree first: a
/// report of ten thousand commitments is written, not assembled and torn down.
public struct JSONWriter {
    private var bytes: [UInt8] = []
    /// Where the bytes go; nil for a writer whose bytes are taken whole (``elements(_:minimumForTwoThreads:_:)``).
    private let output: TextOutput?
    private let pretty: Bool
    private var depth = 0
    /// Whether the innermost open container has no item yet.
    private var empty = true

    /// A writer to `output`; `pretty` for indented lines, else compact.
    public init(to output: TextOutput, pretty: Bool) {
        self.output = output
        self.pretty = pretty
        bytes.reserveCapacity(1 << 16)
    }

    /// A writer of items of an array open at `depth` that keeps its bytes;
    /// its first item is written as an array's first.
    private init(continuingAt depth: Int, pretty: Bool) {
        output = nil
        self.pretty = pretty
        self.depth = depth
    }

    /// The elements of the array being written, `body` writing each (one
    /// element, several or none): from `minimumForTwoThreads` items on, the
    /// second half is written on another thread meanwhile and follows the
    /// first, in the same bytes one thread would write (a report of ten
    /// thousand commitments spends more time writing its JSON than on
    /// anything else but reading the state; starting a thread costs about
    /// what writing a few of them does). When no thread can be started, the
    /// second half is written here after the first.
    public mutating func elements<Item: Sendable>(_ items: [Item], minimumForTwoThreads: Int = 512,
                                                  _ body: @escaping @Sendable (inout JSONWriter, Item) -> Void) {
        guard items.count >= max(minimumForTwoThreads, 2) else {
            for item in items { body(&self, item) }
            return
        }
        let (half, depth, pretty) = (items.count / 2, depth, pretty)
        let rest = BackgroundWork { () -> [UInt8]? in
            var writer = JSONWriter(continuingAt: depth, pretty: pretty)
            for item in items[half...] { body(&writer, item) }
            return writer.empty ? nil : writer.bytes
        }
        for item in items[..<half] { body(&self, item) }
        if let written = rest.value() { append(written: written) }
    }

    /// Appends the items another writer wrote (as an array's first items) after this one's.
    private mutating func append(written: [UInt8]) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        if let output {
            output.write(bytes: bytes)
            bytes.removeAll(keepingCapacity: true)
            output.write(bytes: written)
        } else {
            bytes.append(contentsOf: written)
        }
    }

    /// An object (at the top, as an array element, or after ``key(_:)``).
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "{"), UInt8(ascii: "}"), body)
    }

    /// An array (at the top, as an array element, or after ``key(_:)``).
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "["), UInt8(ascii: "]"), body)
    }

    /// A member's key, inside an object; its value follows.
    public mutating func key(_ name: String) {
        item()
        JSON.quote(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
    }

    /// A member whose value is small (a scalar, or a short array).
    public mutating func member(_ name: String, _ value: JSON) {
        key(name)
        value.write(to: &bytes, pretty: pretty, indent: depth)
    }

    /// A member whose value is an object.
    public mutating func member(_ name: String, object body: (inout JSONWriter) -> Void) {
        key(name)
        object(body)
    }

    /// A member whose value is an array.
    public mutating func member(_ name: String, array body: (inout JSONWriter) -> Void) {
        key(name)
        array(body)
    }

    /// An array element that is an object.
    public mutating func element(object body: (inout JSONWriter) -> Void) {
        item()
        object(body)
    }

    /// Ends the document with a newline and hands everything to the output.
    public mutating func finish() {
        bytes.append(10)
        output?.write(bytes: bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func item() {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        if pretty { newline() }
        if bytes.count >= 1 << 16, let output {
            output.write(bytes: bytes)
            bytes.removeAll(keepingCapacity: true)
        }
    }

    /// A line break and the indentation of `depth`.
    private mutating func newline() {
        bytes.append(contentsOf: JSON.lineBreak(indent: depth))
    }

    private mutating func container(_ open: UInt8, _ close: UInt8, _ body: (inout JSONWriter) -> Void) {
        let outer = empty
        bytes.append(open)
        depth += 1
        empty = true
        body(&self)
        depth -= 1
        if !empty && pretty { newline() }
        bytes.append(close)
        empty = outer
    }
}
