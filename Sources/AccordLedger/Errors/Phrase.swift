/// The words of a message, with the fields and the hints in it left for a
/// front end to name in its own terms (``Phrasing``).
///
/// Written as a string literal: `"\(Field.quantity) '\(text)' is negative"`
/// names the field, `"give \(option: .quantity) N"` names it as an input to
/// give, `\(hint: …)` refers to what a front end offers (a command, a page).
public struct Phrase: Hashable, Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// One piece of a phrase.
    public enum Part: Hashable, Sendable {
        /// Words, as they are.
        case text(String)
        /// A field named as what the message is about (`quantity`, the column `quantity`, `/quantity`).
        case field(Field)
        /// A field named as an input to give (a command line names its option).
        case option(Field)
        /// Something the front end offers, referred to in the middle of the message.
        case hint(Hint)
    }

    /// The pieces, in order.
    public private(set) var parts: [Part]

    /// A phrase of these parts.
    public init(parts: [Part]) {
        self.parts = parts
    }

    /// Words with no field or hint in them.
    public init(verbatim text: String) {
        parts = text.isEmpty ? [] : [.text(text)]
    }

    /// A phrase of literal text only.
    public init(stringLiteral value: String) {
        self.init(verbatim: value)
    }

    /// A phrase built by interpolation: fields, options and text kept as parts.
    public init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
    }

    /// Builds a phrase from literal words and interpolated values.
    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        /// Starts an interpolation (Swift's `StringInterpolationProtocol`).
        public init(literalCapacity: Int, interpolationCount: Int) {
            parts.reserveCapacity(interpolationCount * 2 + 1)
        }

        /// Appends literal text.
        public mutating func appendLiteral(_ literal: String) {
            appendText(literal)
        }

        /// A field, named as what the message is about.
        public mutating func appendInterpolation(_ field: Field) {
            parts.append(.field(field))
        }

        /// A field, named as an input to give.
        public mutating func appendInterpolation(option field: Field) {
            parts.append(.option(field))
        }

        /// Something the front end offers.
        public mutating func appendInterpolation(hint: Hint) {
            parts.append(.hint(hint))
        }

        /// Another phrase, fields and hints kept.
        public mutating func appendInterpolation(_ phrase: Phrase) {
            for part in phrase.parts {
                if case .text(let text) = part { appendText(text) } else { parts.append(part) }
            }
        }

        /// Another error's message, its hint included (rendered in place).
        public mutating func appendInterpolation(_ error: LedgerError) {
            appendInterpolation(error.phrase)
            if let hint = error.hint { parts.append(.hint(hint)) }
        }

        /// Any other value, as text.
        public mutating func appendInterpolation<T>(_ value: T) {
            appendText(String(describing: value))
        }

        private mutating func appendText(_ text: String) {
            guard !text.isEmpty else { return }
            if case .text(let last)? = parts.last {
                parts[parts.count - 1] = .text(last + text)
            } else {
                parts.append(.text(text))
            }
        }
    }

    /// The phrase in a front end's terms.
    public func rendered(_ phrasing: some Phrasing) -> String {
        var result = ""
        for part in parts {
            switch part {
            case .text(let text): result += text
            case .field(let field): result += phrasing.name(field)
            case .option(let field): result += phrasing.option(field)
            case .hint(let hint): result += phrasing.hint(hint)
            }
        }
        return result
    }

    /// The phrase with fields as their keys and without hints (``PlainPhrasing``).
    public var description: String { rendered(PlainPhrasing()) }

    /// The fields the phrase names, in order.
    public var fields: [Field] {
        parts.compactMap { part in
            switch part {
            case .field(let field), .option(let field): field
            case .text, .hint: nil
            }
        }
    }

    /// The two phrases one after the other.
    public static func + (lhs: Phrase, rhs: Phrase) -> Phrase {
        "\(lhs)\(rhs)"
    }
}

/// How a front end names fields and hints in messages.
public protocol Phrasing: Sendable {
    /// A field named as what a message is about.
    func name(_ field: Field) -> String
    /// A field named as an input to give.
    func option(_ field: Field) -> String
    /// A hint's words, including the punctuation that joins them to what
    /// precedes (`"; run …"`); empty when the front end has nothing to offer.
    func hint(_ hint: Hint) -> String
}

/// Fields as their stable keys, hints left out: what ``LedgerError/message``
/// and ``Phrase/description`` say.
public struct PlainPhrasing: Phrasing {
    /// The plain phrasing.
    public init() {}
    /// The field's stable key (`quantity`, `evidence_sha256`).
    public func name(_ field: Field) -> String { field.key }
    /// The field's stable key, as for a name.
    public func option(_ field: Field) -> String { field.key }
    /// Nothing: plain messages carry no hints.
    public func hint(_ hint: Hint) -> String { "" }
}
