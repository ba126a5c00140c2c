import AccordLedger
import Foundation
import Hummingbird

/// The query and path parameters of a request, read strictly: every route
/// names the query parameters it takes, and an unknown parameter, a repeated
/// one or a value that is not valid percent-encoded UTF-8 is refused, so a
/// typo (`prty=UA`) never answers an unfiltered result and nothing unknown
/// (a token sent as `access_token=…`) reaches the access log.
struct QueryParameters: Sendable {
    /// The parameters given, by name, decoded.
    private(set) var values: [String: String] = [:]
    /// The names in the order the route lists them (for the access log).
    private let known: [String]

    /// The query parameters each route takes; a route not listed takes none.
    /// Every recording route takes `prepare` (answer the claim to sign; record nothing).
    static let byRoute: [String: [String]] = reads.merging(
        WriteBodies.fields.keys.map { ("POST " + $0, ["prepare"]) }, uniquingKeysWith: { $0 + $1 })

    private static let reads: [String: [String]] = [
        "GET /v1/report": ["at", "asOf", "minConfidence", "agreement", "party", "format", "section", "header", "raw"],
        "GET /v1/breaches": ["party", "commitment", "since", "until", "at", "asOf", "severity", "status", "guarantor",
                             "minConfidence", "format", "header", "raw"],
        "GET /v1/brief": ["format", "at", "asOf", "minConfidence", "agreement", "party", "since", "remote"],
        "GET /v1/commitments": ["agreement", "party", "at"],
        "GET /v1/commitments/{id}": ["at", "minConfidence", "format", "header", "raw"],
        "GET /v1/history/{entry}": ["asOf", "format", "header", "raw"],
        "GET /v1/export/{table}": ["format", "asOf", "at", "status", "header", "raw"],
        "GET /v1/proofs/inclusion": ["seq", "size"],
        "GET /v1/proofs/consistency": ["old", "new"],
        "GET /v1/access-log": ["limit"],
        "GET /v1/bundles/definitions": ["after", "evidence"],
        "POST /v1/import": ["keepGoing"],
        "DELETE /v1/tokens/{name}": ["reason"],
    ]

    static let empty = QueryParameters()

    private init() { known = [] }

    /// Reads the query of `request` for `route`.
    /// - Throws: ``Problem`` 400 for a parameter that is not valid
    ///   percent-encoding, 422 (naming the parameter) for an unknown or
    ///   repeated one.
    init(_ request: Request, route: Route) throws {
        known = QueryParameters.byRoute["\(route.method.rawValue) \(route.path)"] ?? []
        guard let query = request.uri.query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawName = String(pair[0])
            guard let name = rawName.removingPercentEncoding else {
                throw QueryParameters.problem(.malformed, rawName, "query parameter '\(rawName)' is not valid percent-encoding")
            }
            let rawValue = pair.count > 1 ? String(pair[1]) : ""
            guard let value = rawValue.removingPercentEncoding else {
                throw QueryParameters.problem(.malformed, name, "\(name): the value is not valid percent-encoded UTF-8")
            }
            guard known.contains(name) else {
                let printable = TextRules.printable(name, limit: 40)
                let takes = known.isEmpty ? "this route takes no query parameters"
                    : "this route takes " + known.joined(separator: ", ")
                throw QueryParameters.problem(.invalid, printable, "unknown query parameter '\(printable)'; \(takes)")
            }
            guard values[name] == nil else {
                throw QueryParameters.problem(.invalid, name, "\(name): given more than once; give it once")
            }
            values[name] = value
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// The parameter whose value is `value` (where an unknown id was given), first in the route's order.
    func name(holding value: String) -> String? {
        known.first { name in values[name].map { $0 == value || $0.trimmingCharacters(in: .whitespaces) == value } ?? false }
    }

    /// The parameters as the access log keeps them: known names only, in the
    /// route's order, percent-encoded again; nil when none was given.
    var logged: String? {
        let parts = known.compactMap { name in
            values[name].map { name + "=" + ($0.addingPercentEncoding(withAllowedCharacters: QueryParameters.unreserved) ?? "") }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "&")
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:")

    /// A problem about one query parameter: `errors[0].pointer` is `/NAME`
    /// (the convention of every query error of this API) and `parameter` names it.
    static func problem(_ kind: Problem.Kind, _ name: String, _ detail: String) -> Problem {
        var problem = Problem(kind, detail, pointer: "/" + name)
        problem.extensions.append(("parameter", .string(name)))
        return problem
    }

    /// A required whole number 0 or more, or nil when not given.
    func number(_ name: String) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw QueryParameters.problem(.invalid, name, "\(name): '\(text)' is not a whole number 0 or more")
        }
        return value
    }

    /// `true` or `false`, or nil when not given.
    func flag(_ name: String) throws -> Bool? {
        guard let text = values[name] else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw QueryParameters.problem(.invalid, name, "\(name): '\(text)' is not true or false")
        }
    }
}

/// Path parameters, percent-decoded (Hummingbird's router hands them over as sent).
enum PathParameter {
    /// The decoded value of `name`.
    /// - Throws: ``Problem`` 400 when it is not valid percent-encoded UTF-8.
    static func get(_ name: String, _ context: AccordContext) throws -> String {
        let raw = context.parameters.get(name) ?? ""
        guard let value = raw.removingPercentEncoding else {
            throw Problem(.malformed, "{\(name)} in the path is not valid percent-encoded UTF-8", pointer: "/" + name)
        }
        return value
    }
}
