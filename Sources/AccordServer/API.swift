import AccordLedger
import Crypto
import Hummingbird
import Synchronization

/// The handlers of every route in ``Routes/all``: each reads the request,
/// makes one call to the ``LedgerService`` and answers.
struct API: Sendable {
    let service: any LedgerService
    let tokens: TokenStore
    let metrics: ServerMetrics
    let limits: ServerLimits
    /// Where uploads are spooled (the ledger's scratch directory).
    let scratchDirectory: String
    /// The heavy reads (exports, journal exports, briefs) running.
    let heavyReads: HeavyReads

    typealias Handler = @Sendable (Request, AccordContext, Caller?) async throws -> Response

    func register(on router: Router<AccordContext>) {
        for route in Routes.all {
            let handler = handler(for: route)
            let wrapped: @Sendable (Request, AccordContext) async throws -> Response = { request, context in
                let caller = try route.authorize(context)
                if let caller { try API.refuseUnsigned(caller, route) }
                try API.checkIdempotencyHeader(request, route: route)
                var context = context
                context.query = try QueryParameters(request, route: route)
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
        // A declared length over the cap is refused before anything is read.
        try API.refuseDeclaredLength(request, limit: limit)
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
        // application/json, or a structured syntax suffix of it (application/problem+json); not text/plain+json.
        guard media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json")) else {
            throw Problem(.unsupportedMediaType, "send the body as application/json, not \(media)")
        }
    }

    func record(_ path: String, _ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        guard let caller else { throw Problem(.unauthorized, "no caller") }
        try requireJSON(request)
        let bytes = try await body(request, limit: limits.maxBodyBytes)
        let body = try WriteBodies.recording(path, body: bytes)
        let prepare = try context.query.flag("prepare") ?? false
        let signing = try API.signing(caller, prepare: prepare, signature: body.signature)
        // A prepare writes nothing, so it neither uses nor keeps an Idempotency-Key.
        let idempotency = prepare ? nil : try API.idempotencyKey(request, path: path, body: bytes, actor: caller.name)
        let result = await service.write([WriteRequest(body.operation, actor: caller.name, idempotency: idempotency,
                                                       signing: signing)])[0]
        return try await answer(result, request: request, signer: caller.key, fields: body.fields)
    }

    static let contentTypeOptions = HTTPFields.Element.Name("X-Content-Type-Options")!
    static let contentSecurityPolicy = HTTPFields.Element.Name("Content-Security-Policy")!
    static let idempotencyKeyField = HTTPFields.Element.Name("Idempotency-Key")!
    /// `Accord-Verified: false; REASON` on an answer the audit cannot vouch for (the access log).
    static let accessLogVerifiedField = HTTPFields.Element.Name("Accord-Verified")!

    /// The request's `Idempotency-Key`, with the SHA-256 of the route and body
    /// it came with; nil when the header is absent.
    /// - Throws: ``Problem`` 400 for a malformed key (``idempotencyHeader(_:)``).
    static func idempotencyKey(_ request: Request, path: String, body: [UInt8], actor: String) throws -> IdempotencyKey? {
        guard let key = try idempotencyHeader(request) else { return nil }
        var hasher = SHA256()
        hasher.update(data: Array("POST \(path)\n".utf8))
        hasher.update(data: body)
        return IdempotencyKey(actor: actor, key: key, requestSHA256: Array(hasher.finalize()))
    }

    /// A receipt: 201 for a new entry, 200 for a harmless retry; 200 with
    /// the claim for a prepared write; or the problem.
    func answer(_ result: Result<WriteOutcome, ServiceError>, request: Request, signer: String? = nil,
                fields: RequestFields? = nil) async throws -> Response {
        switch result {
        case .success(.prepared(let claim)):
            return API.prepared(claim, signer: signer)
        case .success(.receipt(let receipt)):
            if receipt.recorded { metrics.appends.increment() } else { metrics.alreadyRecorded.increment() }
            return API.json(receipt.recorded ? .created : .ok, receipt.json.serialized())
        case .failure(let error):
            var problem = Problem(error)
            if case .notFound = error.kind, let id = error.id, let pointer = fields?.pointer(holding: id) {
                problem.pointer = pointer  // the body field that named what does not exist
            }
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
        var response = API.json(.created, ProblemValue.object(members).serialized())
        // The token is in this response only: no cache may keep it.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func revokeToken(_ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        guard let caller else { throw Problem(.unauthorized, "no caller") }
        let name = try PathParameter.get("name", context)
        let reason = context.query["reason"]
        try await refuseRevokingLastAdmin(name)
        let result = await service.write([WriteRequest(.revokeToken(name: name, reason: reason), actor: caller.name)])[0]
        if case .failure(let error) = result, case .conflict(let revoked?) = error.kind {
            // DELETE is idempotent: a repeat answers 200 with the revocation's receipt.
            let receipt: Receipt
            do {
                receipt = try await service.receipt(ofEntry: revoked)
            } catch {
                throw Problem(error)
            }
            return try await answer(.success(.receipt(receipt)), request: request)
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
        let keepGoing = try context.query.flag("keepGoing") ?? false
        let limit = limits.maxImportBytes
        try API.refuseDeclaredLength(request, limit: limit)
        // The body goes to a scratch file as it arrives; the import starts once it is all there.
        let upload = try await SpooledUpload.spool(request.body, limit: limit, directory: scratchDirectory)
        // The importer itself refuses a row of a kind the role may not record
        // (after its own reading of the row: trimming, delimiters, quoting).
        let allowedKinds = API.importKinds(for: caller.role)
        let summary: ImportSummary
        do {
            summary = try await service.importRows(upload, format: format, keepGoing: keepGoing, allowedKinds: allowedKinds,
                                                   actor: caller.name)
        } catch {
            var problem = Problem(error)
            if case .forbidden = error.kind {
                problem.detail = "token \(caller.name) has role \(caller.role.rawValue): \(error.message)"
            }
            throw problem
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

    /// The import rows a role may add: a monitor logs evidence only; nil (all) for an admin.
    static func importKinds(for role: TokenRole) -> Set<ImportRowKind>? {
        switch role {
        case .admin: nil
        case .monitor: [.verification, .breach, .corroboration]
        case .reviewer, .auditor, .viewer: []
        }
    }

    // MARK: Reads

    func read(_ route: Route, _ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        let query = context.query
        func value(_ name: String) -> String? { query[name] }
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
            readRequest = .commitment(id: try PathParameter.get("id", context), at: value("at"), minConfidence: value("minConfidence"))
        case "/v1/history/{entry}": readRequest = .history(entry: try PathParameter.get("entry", context), asOf: value("asOf"))
        case "/v1/export/{table}":
            readRequest = .export(table: try PathParameter.get("table", context), format: value("format"), asOf: value("asOf"),
                                  at: value("at"), status: value("status"))
            logged = true
        case "/v1/brief":
            readRequest = .brief(format: value("format"), report: report, since: value("since"))
            logged = true
        case "/v1/journal":
            readRequest = .journal
            logged = true
        case "/v1/proofs/inclusion":
            guard let seq = value("seq") else { throw QueryParameters.problem(.invalid, "seq", "seq is required") }
            readRequest = .inclusionProof(seq: seq, size: value("size"))
        case "/v1/proofs/consistency":
            guard let old = value("old") else { throw QueryParameters.problem(.invalid, "old", "old is required") }
            readRequest = .consistencyProof(old: old, new: value("new"))
        case "/v1/checkpoint": readRequest = .checkpoint
        default: throw Problem(.notFound, "no route \(route.path)")
        }
        // Exports, journal exports and briefs are heavy: at most so many at once (503 beyond).
        let permit = logged ? try heavyReads.acquire() : nil
        do {
            if case .brief = readRequest {} else if logged {
                return try await streamed(readRequest, caller, route, request, context, permit: permit)
            }
            let body = try await service.read(readRequest)
            if logged, let caller { try await log(caller, route, request, context, status: 200, rows: body.rows) }
            var headers: HTTPFields = [.contentType: body.contentType, API.contentTypeOptions: "nosniff"]
            if body.contentType.hasPrefix("text/html") {
                // The brief: its own inline style, nothing else (no scripts, frames, forms or outside fetches).
                headers[API.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                    + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.bytes)))
        } catch let error as ServiceError {
            var problem = Problem(error)
            if case .invalid(let field?) = error.kind { problem.pointer = "/" + field }
            if case .notFound = error.kind, let id = error.id, let name = query.name(holding: id) {
                problem = QueryParameters.problem(.notFound, name, problem.detail)  // the query parameter that named it
            }
            if logged, let caller { try? await log(caller, route, request, context, status: Int(problem.status.code), rows: nil) }
            throw problem
        }
    }

    /// An export or the journal, streamed: the response is answered once the
    /// first chunk is ready (an error before it is the usual problem), then
    /// the body is written chunk by chunk as the reader renders it (chunked
    /// transfer, no Content-Length). The access log row is written when the
    /// body has been sent, with the rows the client was sent, before the
    /// body's end: if it cannot be written the connection is aborted. An
    /// error after the first byte, or a client that goes away, ends the body
    /// by aborting the connection (a truncated body never looks whole), and is
    /// logged with status 500 (the read failed) or 499 (the client closed the
    /// connection) and the rows wholly sent.
    func streamed(_ readRequest: ReadRequest, _ caller: Caller?, _ route: Route, _ request: Request, _ context: AccordContext,
                  permit: HeavyReads.Permit?) async throws -> Response {
        let stream = try await service.stream(readRequest)
        let headers: HTTPFields = [.contentType: stream.contentType, API.contentTypeOptions: "nosniff"]
        let stall = Duration.seconds(limits.idleTimeoutSeconds)
        let body = ResponseBody { writer in
            let watch = StreamWatch()
            // A client that stops reading would hold its reader, snapshot and
            // slot for ever (the idle timeout does not run while a response is
            // being written): after the idle timeout without progress the
            // read is stopped, logged (408) and the connection closed.
            let watchdog = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: stall / 4)
                    guard watch.stalled(for: stall) else { continue }
                    stream.cancel()
                    permit?.release()
                    if let caller, let rows = watch.claimLog() {
                        try? await log(caller, route, request, context, status: 408, rows: rows)
                    }
                    context.channel.close(promise: nil)
                    return
                }
            }
            defer { watchdog.cancel() }
            do {
                while let chunk = try await stream.next() {
                    try await writer.write(ByteBuffer(bytes: chunk.bytes))
                    watch.progress(rowsSent: chunk.rowsThrough)
                }
            } catch {
                stream.cancel()
                let status = error is ServiceError ? 500 : 499
                if let caller, let rows = watch.claimLog() {
                    do {
                        try await log(caller, route, request, context, status: status, rows: rows)
                    } catch {
                        context.logger.error("the access log row of a stream that ended early was not written: \(error)")
                    }
                }
                throw error
            }
            if let caller {
                guard watch.claimLog() != nil else { throw CancellationError() }  // the watchdog logged it
                try await log(caller, route, request, context, status: 200, rows: stream.rows ?? watch.rowsSent)
            }
            try await writer.finish(nil)
            // The permit is held until the body is written (or dropped with the response).
            permit?.release()
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The progress of a streamed body, and whether its access-log row is written.
    final class StreamWatch: Sendable {
        private struct State {
            var last = ContinuousClock.now
            var rowsSent = 0
            var logged = false
        }
        private let state = Mutex(State())

        func progress(rowsSent: Int) {
            state.withLock { state in
                state.last = .now
                state.rowsSent = rowsSent
            }
        }

        var rowsSent: Int { state.withLock { $0.rowsSent } }

        func stalled(for limit: Duration) -> Bool {
            state.withLock { !$0.logged && ContinuousClock.now - $0.last > limit }
        }

        /// The rows sent, the first time only: whoever claims it writes the row.
        func claimLog() -> Int? {
            state.withLock { state in
                if state.logged { return nil }
                state.logged = true
                return state.rowsSent
            }
        }
    }

    /// Records an export, journal or brief request; the query as the route
    /// read it (known parameters only: nothing else a client sends is kept).
    func log(_ caller: Caller, _ route: Route, _ request: Request, _ context: AccordContext, status: Int, rows: Int?) async throws {
        let record = AccessRecord(at: Timestamp.system().iso8601, actor: caller.name, role: caller.role.rawValue,
                                  method: route.method.rawValue, route: try API.loggedRoute(route, context), query: context.query.logged,
                                  status: status, rows: rows.map(Int64.init))
        do {
            try await service.recordAccess(record)
        } catch {
            throw Problem(error)
        }
    }

    func accessLog(_ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        let limit = try context.query.number("limit")
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
                ("rows", record.rows.map { .int($0) } ?? .null), ("verified", .bool(false)),
            ])
        }
        var response = API.json(.ok, ProblemValue.array(items).serialized())
        response.headers[API.accessLogVerifiedField] = "false; " + API.accessLogUnverified
        return response
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
