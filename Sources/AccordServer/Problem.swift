import Hummingbird

/// An RFC 9457 problem: what every refusal of the API answers, as
/// `application/problem+json`.
public struct Problem: HTTPResponseError, Sendable {
    /// The problem types of the API; each is a `urn:accord:problem:` URI.
    public enum Kind: String, Sendable, CaseIterable {
        case malformed, unauthorized, forbidden, notFound = "not-found", methodNotAllowed = "method-not-allowed"
        case conflict, tooLarge = "too-large", unsupportedMediaType = "unsupported-media-type", invalid
        case rateLimited = "rate-limited", busy, unavailable, tampered, failure, unconfigured

        public var status: HTTPResponse.Status {
            switch self {
            case .malformed: .badRequest
            case .unauthorized: .unauthorized
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .conflict, .unconfigured: .conflict
            case .tooLarge: .contentTooLarge
            case .unsupportedMediaType: .unsupportedMediaType
            case .invalid: .unprocessableContent
            case .rateLimited: .tooManyRequests
            case .busy, .unavailable: .serviceUnavailable
            case .tampered, .failure: .internalServerError
            }
        }

        public var title: String {
            switch self {
            case .malformed: "The request is malformed"
            case .unauthorized: "No valid token"
            case .forbidden: "The token's role may not do this"
            case .notFound: "No such thing"
            case .methodNotAllowed: "Method not allowed"
            case .conflict: "The same id is recorded with other content"
            case .tooLarge: "The request body is too large"
            case .unsupportedMediaType: "Unsupported media type"
            case .invalid: "A value is invalid"
            case .rateLimited: "Too many requests"
            case .busy: "The ledger is busy"
            case .unavailable: "The server is shutting down"
            case .tampered: "The ledger has been altered"
            case .failure: "The server failed"
            case .unconfigured: "The server is not set up for this"
            }
        }

        public var type: String { "urn:accord:problem:" + rawValue }
    }

    public var kind: Kind
    public var detail: String
    /// JSON pointers of the fields at fault (422).
    public var pointer: String?
    /// Extra members (the existing record of a 409, the wait of a 429).
    public var extensions: [(String, ProblemValue)] = []
    public var headers: HTTPFields = [:]

    /// A request body that could not be read whole: the client stopped
    /// sending before its declared length, or its chunked framing is broken.
    /// The client's fault (400), never the server's: an error the stream
    /// already answers with its own status (413) keeps it.
    static func unreadableBody(_ error: any Error) -> any Error {
        if error is HTTPResponseError { return error }
        return Problem(.malformed, "the request body could not be read whole: it ended before its declared length, or its "
                       + "framing is malformed")
    }

    public init(_ kind: Kind, _ detail: String, pointer: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.pointer = pointer
    }

    public var status: HTTPResponse.Status { kind.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var members: [(String, ProblemValue)] = [
            ("type", .string(kind.type)), ("title", .string(kind.title)), ("status", .int(Int64(status.code))),
            ("detail", .string(detail)), ("instance", .string(request.uri.path)),
        ]
        if let pointer {
            members.append(("errors", .array([.object([("pointer", .string(pointer)), ("detail", .string(detail))])])))
        }
        members += extensions
        var fields = headers
        fields[.contentType] = "application/problem+json"
        let body = ProblemValue.object(members).serialized()
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The problem a service error stands for; `fields` maps the engine's
    /// field names to the request's.
    init(_ error: ServiceError) {
        switch error.kind {
        case .notFound: self.init(.notFound, error.message)
        case .conflict: self.init(.conflict, error.message)
        case .invalid(let field): self.init(.invalid, error.message, pointer: field.map { "/" + $0 })
        case .forbidden: self.init(.forbidden, error.message)
        case .tampered: self.init(.tampered, error.message)
        case .busy: self.init(.busy, error.message)
        case .unavailable: self.init(.unavailable, error.message)
        case .unconfigured: self.init(.unconfigured, error.message)
        case .failure: self.init(.failure, error.message)
        }
        if case .busy = error.kind { headers[.retryAfter] = "1" }
        if case .unavailable = error.kind { headers[.retryAfter] = "5" }
    }
}

/// A small JSON value for problem bodies and API responses.
public indirect enum ProblemValue: Sendable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
    case array([ProblemValue])
    case object([(String, ProblemValue)])
    /// Already serialized JSON, inserted as is.
    case raw(String)

    public func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .string(let text): ProblemValue.quote(text, into: &out)
        case .int(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .raw(let text): out += text
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                ProblemValue.quote(member.0, into: &out)
                out += ":"
                member.1.write(to: &out)
            }
            out += "}"
        }
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
