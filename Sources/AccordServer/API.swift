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
        case (.post, "/v1/bundles"): return applyBundle
        case (.get, "/v1/bundles/definitions"): return definitionsBundle
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
        } catch {
            throw Problem.unreadableBody(error)
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
        // The last valid admin token is kept, decided in the revocation's own transaction (two at once cannot both pass).
        let result = await service.write([WriteRequest(.revokeToken(name: name, reason: reason, keepingAnAdmin: true),
                                                       actor: caller.name)])[0]
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
        // Bad rows without keepGoing: nothing was written, so nothing was added (the engine counts what would have been).
        let written = summary.rejected == 0 || keepGoing
        if written { metrics.appends.increment(by: Int64(summary.added)) }
        let issues = summary.issues.map { issue in
            ProblemValue.object([("line", .int(Int64(issue.line))), ("detail", .string(issue.message))])
        }
        let body = ProblemValue.object([
            ("rows", .int(Int64(summary.rows))), ("added", .int(written ? Int64(summary.added) : 0)),
            ("alreadyPresent", .int(Int64(summary.alreadyPresent))), ("rejected", .int(Int64(summary.rejected))),
            ("firstSeq", written ? summary.firstSeq.map { .int($0) } ?? .null : .null),
            ("lastSeq", written ? summary.lastSeq.map { .int($0) } ?? .null : .null),
            ("issues", .array(issues)),
        ]).serialized()
        guard written else {
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

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
