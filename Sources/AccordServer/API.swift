import AccordLedger
import Hummingbird

/// The handlers of every route in ``Routes/all``: each reads the request,
/// makes one call to the ``LedgerService`` and answers.
struct API: Sendable {
    let service: any LedgerService
    let tokens: TokenStore
    let metrics: ServerMetrics
    let limits: ServerLimits

    typealias Handler = @Sendable (Request, AccordContext, Caller?) async throws -> Response

    func register(on router: Router<AccordContext>) {
        for route in Routes.all {
            let handler = handler(for: route)
            let wrapped: @Sendable (Request, AccordContext) async throws -> Response = { request, context in
                let caller = try route.authorize(context)
                return try await handler(request, context, caller)
            }
            switch route.method {
            case .get: router.get(RouterPath(route.routerPath), use: wrapped)
            case .post: router.post(RouterPath(route.routerPath), use: wrapped)
            case .delete: router.delete(RouterPath(route.routerPath), use: wrapped)
            }
        }
    }

    func handler(for route: Route) -> Handler {
        switch (route.method, route.path) {
        case (.post, "/v1/tokens"): return issueToken
        case (.delete, "/v1/tokens/{name}"): return revokeToken
        case (.post, "/v1/import"): return importRows
        case (.post, _): return { request, context, caller in try await record(route.path, request, context, caller) }
        case (.get, "/healthz"):
            return { _, _, _ in API.json(.ok, ProblemValue.object([("status", .string("ok"))]).serialized()) }
        case (.get, "/metrics"):
            return { _, _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
            }
        case (.get, "/v1/openapi.json"):
            return { _, _, _ in API.json(.ok, OpenAPIDocument.json) }
        case (.get, "/v1/access-log"): return accessLog
        default:
            return { request, context, caller in try await read(route, request, context, caller) }
        }
    }

    // MARK: Writes

    func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            throw Problem(.tooLarge, "the body is larger than \(limit) bytes, the most this route accepts")
        }
        return Array(buffer.readableBytesView)
    }

    func requireJSON(_ request: Request) throws {
        guard let type = request.headers[.contentType] else { return }
        let media = type.split(separator: ";").first.map { $0.filter { $0 != " " && $0 != "\t" }.lowercased() } ?? ""
        guard media == "application/json" || media.hasSuffix("+json") else {
            throw Problem(.unsupportedMediaType, "send the body as application/json, not \(media)")
        }
    }

    func record(_ path: String, _ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        guard let caller else { throw Problem(.unauthorized, "no caller") }
        try requireJSON(request)
        let operation = try WriteBodies.operation(path, body: try await body(request, limit: limits.maxBodyBytes))
        if caller.key != nil {
            throw Problem(.forbidden, "token \(caller.name) is bound to key \(caller.key ?? ""): its entries must be signed, "
                          + "and this server does not yet take signed entries over HTTP; record them with `accord` on the file")
        }
        let result = await service.write([WriteRequest(operation, actor: caller.name)])[0]
        return try await answer(result, request: request)
    }

    /// A receipt: 201 for a new entry, 200 for a harmless retry; or the problem.
    func answer(_ result: Result<Receipt, ServiceError>, request: Request) async throws -> Response {
        switch result {
        case .success(let receipt):
            if receipt.recorded { metrics.appends.increment() } else { metrics.alreadyRecorded.increment() }
            return API.json(receipt.recorded ? .created : .ok, receipt.json.serialized())
        case .failure(let error):
            var problem = Problem(error)
            if case .conflict(let existing?) = error.kind {
                // The record already under that id, as ODK Central shows a reused instance id.
                var members: [(String, ProblemValue)] = [("seq", .int(existing))]
                if let history = try? await service.read(.history(entry: String(existing), asOf: nil)) {
                    members.append(("history", .raw(String(decoding: history.bytes, as: UTF8.self))))
                }
                problem.extensions.append(("existing", .object(members)))
            }
            throw problem
        }
    }

    func issueToken(_ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        guard let caller else { throw Problem(.unauthorized, "no caller") }
        try requireJSON(request)
        let input = try WriteBodies.tokenInput(try await body(request, limit: limits.maxBodyBytes))
        let issued: IssuedToken
        do {
            issued = try await service.issueToken(input, actor: caller.name)
        } catch {
            throw Problem(error)
        }
        tokens.replace(with: try await serviceTokens())
        metrics.appends.increment()
        var members: [(String, ProblemValue)] = [("name", .string(issued.name)), ("role", .string(issued.role.rawValue)),
                                                 ("token", .string(issued.secret))]
        members.append(("receipt", .raw(issued.receipt.json.serialized())))
        return API.json(.created, ProblemValue.object(members).serialized())
    }

    func revokeToken(_ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        guard let caller else { throw Problem(.unauthorized, "no caller") }
        let name = context.parameters.get("name") ?? ""
        let reason = request.uri.queryParameters.get("reason")
        let result = await service.write([WriteRequest(.revokeToken(name: name, reason: reason), actor: caller.name)])[0]
        if case .failure(let error) = result, case .invalid = error.kind, error.message.contains("no token named") {
            throw Problem(.notFound, error.message)
        }
        let response = try await answer(result, request: request)
        tokens.replace(with: try await serviceTokens())
        return response
    }

    func serviceTokens() async throws -> [TokenInfo] {
        do {
            return try await service.tokens()
        } catch {
            throw Problem(error)
        }
    }

    func importRows(_ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        guard let caller else { throw Problem(.unauthorized, "no caller") }
        let media = request.headers[.contentType]?.split(separator: ";").first.map { $0.filter { $0 != " " }.lowercased() } ?? "text/csv"
        let format: ImportFormat
        switch media {
        case "text/csv": format = .csv
        case "application/x-ndjson", "application/jsonl", "application/jsonlines": format = .jsonl
        default: throw Problem(.unsupportedMediaType, "send CSV as text/csv or JSON Lines as application/x-ndjson, not \(media)")
        }
        let keepGoing = request.uri.queryParameters.get("keepGoing") == "true"
        let bytes = try await body(request, limit: limits.maxImportBytes)
        if caller.role == .monitor, let kind = try ImportScreen.definitionKind(in: bytes, format: format) {
            throw Problem(.forbidden, "token \(caller.name) has role monitor, which logs evidence; a row of kind \(kind) "
                          + "is a definition, which only admin tokens record")
        }
        let summary: ImportSummary
        do {
            summary = try await service.importRows(bytes, format: format, keepGoing: keepGoing, actor: caller.name)
        } catch {
            throw Problem(error)
        }
        metrics.appends.increment(by: Int64(summary.added))
        let issues = summary.issues.map { issue in
            ProblemValue.object([("line", .int(Int64(issue.line))), ("detail", .string(issue.message))])
        }
        let body = ProblemValue.object([
            ("rows", .int(Int64(summary.rows))), ("added", .int(Int64(summary.added))),
            ("alreadyPresent", .int(Int64(summary.alreadyPresent))), ("rejected", .int(Int64(summary.rejected))),
            ("firstSeq", summary.firstSeq.map { .int($0) } ?? .null), ("lastSeq", summary.lastSeq.map { .int($0) } ?? .null),
            ("issues", .array(issues)),
        ]).serialized()
        guard summary.rejected == 0 || keepGoing else {
            var problem = Problem(.invalid, "\(summary.rejected) of \(summary.rows) rows are bad; nothing was imported "
                                  + "(fix them, or pass keepGoing=true to import the good rows)")
            problem.extensions.append(("import", .raw(body)))
            throw problem
        }
        return API.json(summary.added > 0 ? .created : .ok, body)
    }

    // MARK: Reads

    func read(_ route: Route, _ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? { query.get(name) }
        var report: ReportParameters {
            ReportParameters(at: value("at"), asOf: value("asOf"), minConfidence: value("minConfidence"),
                             agreement: value("agreement"), party: value("party"))
        }
        let readRequest: ReadRequest
        var logged = false
        switch route.path {
        case "/v1/report": readRequest = .report(report)
        case "/v1/breaches":
            var parameters = BreachParameters()
            parameters.party = value("party")
            parameters.commitment = value("commitment")
            parameters.since = value("since")
            parameters.until = value("until")
            parameters.at = value("at")
            parameters.asOf = value("asOf")
            parameters.severity = value("severity")
            parameters.status = value("status")
            parameters.guarantor = value("guarantor")
            parameters.minConfidence = value("minConfidence")
            readRequest = .breaches(parameters)
        case "/v1/commitments": readRequest = .commitments(agreement: value("agreement"), party: value("party"), at: value("at"))
        case "/v1/commitments/{id}":
            readRequest = .commitment(id: context.parameters.get("id") ?? "", at: value("at"), minConfidence: value("minConfidence"))
        case "/v1/history/{entry}": readRequest = .history(entry: context.parameters.get("entry") ?? "", asOf: value("asOf"))
        case "/v1/export/{table}":
            readRequest = .export(table: context.parameters.get("table") ?? "", format: value("format"), asOf: value("asOf"),
                                  at: value("at"), status: value("status"))
            logged = true
        case "/v1/brief":
            readRequest = .brief(format: value("format"), report: report, since: value("since"))
            logged = true
        case "/v1/journal":
            readRequest = .journal
            logged = true
        case "/v1/proofs/inclusion":
            guard let seq = value("seq") else { throw Problem(.invalid, "seq is required", pointer: "/seq") }
            readRequest = .inclusionProof(seq: seq, size: value("size"))
        case "/v1/proofs/consistency":
            guard let old = value("old") else { throw Problem(.invalid, "old is required", pointer: "/old") }
            readRequest = .consistencyProof(old: old, new: value("new"))
        case "/v1/checkpoint": readRequest = .checkpoint
        default: throw Problem(.notFound, "no route \(route.path)")
        }
        do {
            let body = try await service.read(readRequest)
            if logged, let caller { try await log(caller, route, request, status: 200, rows: body.rows) }
            return Response(status: .ok, headers: [.contentType: body.contentType],
                            body: .init(byteBuffer: ByteBuffer(bytes: body.bytes)))
        } catch let error as ServiceError {
            var problem = Problem(error)
            if case .invalid(let field?) = error.kind { problem.pointer = "/" + field }
            if logged, let caller { try? await log(caller, route, request, status: Int(problem.status.code), rows: nil) }
            throw problem
        }
    }

    func log(_ caller: Caller, _ route: Route, _ request: Request, status: Int, rows: Int?) async throws {
        let record = AccessRecord(at: (try? Timestamp.now())?.iso8601 ?? "", actor: caller.name, role: caller.role.rawValue,
                                  method: route.method.rawValue, route: request.uri.path, query: request.uri.query,
                                  status: status, rows: rows.map(Int64.init))
        do {
            try await service.recordAccess(record)
        } catch {
            throw Problem(error)
        }
    }

    func accessLog(_ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) }
        let records: [AccessRecord]
        do {
            records = try await service.accessLog(limit: limit)
        } catch {
            throw Problem(error)
        }
        let items = records.map { record in
            ProblemValue.object([
                ("id", .int(record.id)), ("at", .string(record.at)), ("actor", .string(record.actor)), ("role", .string(record.role)),
                ("method", .string(record.method)), ("route", .string(record.route)),
                ("query", record.query.map { .string($0) } ?? .null), ("status", .int(Int64(record.status))),
                ("rows", record.rows.map { .int($0) } ?? .null),
            ])
        }
        return API.json(.ok, ProblemValue.array(items).serialized())
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
