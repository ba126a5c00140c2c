import AccordCSV
import AccordLedger
import AccordPresentation
import AccordTrust
import Synchronization

/// ``LedgerService`` over the engine's `Sendable` host (`LedgerHost`: one
/// writer connection, a pool of readers, each on its own queue, never on
/// Swift's cooperative threads).
///
/// - Writes: requests that arrive while the writer is busy are collected
///   and handed to it together as one batch (`LedgerHost.record([LedgerWrite])`,
///   the engine's one write path, which the importer shares): one
///   transaction, each request in its own savepoint with its own recorder
///   (the token's name, and the key that signs its entry) and its own
///   idempotency key, so each keeps its own seq, idempotency decision and
///   error. Results are returned only after the group's commit
///   (`synchronous=FULL`).
/// - Reads: on the host's readers, each in one read transaction.
/// - Errors: one switch over `LedgerError.Kind` (``serviceError(_:)``); an
///   invalid value's pointer is its `Field` named as the API names it
///   (``apiName(_:)``), never read out of a message.
public final class EngineAdapter: LedgerService {
    let host: LedgerHost
    /// The ledger's settings: its clock and scratch directory.
    let settings: LedgerSettings
    private let state = Mutex(State())
    /// The public keys of registered keys, by name (a key's never changes).
    private let publicKeys = Mutex([String: [UInt8]]())
    /// Called with the size of each group handed to the writer.
    let onGroup: @Sendable (Int) -> Void
    /// Signs `GET /v1/checkpoint` when given.
    let checkpointKey: NoteSigningKey?

    private struct State {
        var pending: [Pending] = []
        var draining = false
        var closed = false
        /// Who waits for the writes in flight to finish (``close()``).
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    private struct Pending {
        var write: LedgerWrite
        var finish: @Sendable (Result<WriteOutcome, ServiceError>) -> Void
    }

    static let closing = ServiceError(.unavailable, "the server is shutting down; try again later")

    /// Opens the ledger at `path` for writing, with four readers.
    /// - Throws: ``ServiceError`` when it is not a ledger or cannot be opened.
    public init(path: String, settings: LedgerSettings = LedgerSettings(), checkpointKey: NoteSigningKey? = nil,
                onGroup: @escaping @Sendable (Int) -> Void = { _ in }) throws(ServiceError) {
        self.settings = settings
        self.onGroup = onGroup
        self.checkpointKey = checkpointKey
        do {
            host = try LedgerHost(path: path, readers: 4, settings: settings)
        } catch {
            throw EngineAdapter.serviceError(error)
        }
    }

    // MARK: Writes

    public func write(_ batch: [WriteRequest]) async -> [Result<WriteOutcome, ServiceError>] {
        await withTaskGroup(of: (Int, Result<WriteOutcome, ServiceError>).self) { group in
            for (index, request) in batch.enumerated() {
                group.addTask { (index, await self.enqueue(request)) }
            }
            var results = [Result<WriteOutcome, ServiceError>](repeating: .failure(ServiceError(.failure, "not run")),
                                                                count: batch.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    private func enqueue(_ request: WriteRequest) async -> Result<WriteOutcome, ServiceError> {
        let write: LedgerWrite
        do {
            write = LedgerWrite(request.operation, as: try await recorder(request), idempotency: request.idempotency)
        } catch {
            return .failure(error)
        }
        return await withCheckedContinuation { continuation in
            let pending = Pending(write: write) { continuation.resume(returning: $0) }
            let start = state.withLock { state -> Bool? in
                if state.closed { return nil }
                state.pending.append(pending)
                if state.draining { return false }
                state.draining = true
                return true
            }
            switch start {
            case nil: pending.finish(.failure(EngineAdapter.closing))
            case true?: Task { await self.drain() }
            case false?: break
            }
        }
    }

    /// The recorder of a request: its token's name, and the signer its signing calls for.
    private func recorder(_ request: WriteRequest) async throws(ServiceError) -> Recorder {
        switch request.signing {
        case .none:
            return Recorder(actor: request.actor)
        case .prepare(let key):
            return Recorder(actor: request.actor, signer: ClaimCapture(keyName: key))
        case .signature(let key, let signature):
            // An unknown key is the engine's to refuse (its signer checks come first), with an empty public key.
            let publicKey = try await publicKey(of: key) ?? []
            return Recorder(actor: request.actor, signer: ClaimSignature(keyName: key, publicKey: publicKey, signature: signature))
        }
    }

    private func publicKey(of name: String) async throws(ServiceError) -> [UInt8]? {
        if let known = publicKeys.withLock({ $0[name] }) { return known }
        let key = try await onReader { ledger in try ledger.publicKey(ofKey: name) }
        if let key { publicKeys.withLock { $0[name] = key } }
        return key
    }

    /// Hands every pending request to the writer, group by group, until none is left.
    private func drain() async {
        while true {
            let group = state.withLock { state -> [Pending] in
                let group = state.pending
                state.pending = []
                if group.isEmpty {
                    state.draining = false
                    for waiter in state.drained { waiter.resume() }
                    state.drained = []
                }
                return group
            }
            if group.isEmpty { return }
            onGroup(group.count)
            // One transaction for the group, one savepoint for each request:
            // a refused request is rolled back alone. No result is handed back
            // before the transaction has committed.
            let results: [Result<WriteOutcome, ServiceError>]
            do {
                results = try await host.record(group.map(\.write)).map(EngineAdapter.outcome)
            } catch {
                // The commit failed: nothing of the group was written.
                let failure = self.failure(error)
                results = group.map { _ in .failure(failure) }
            }
            for (pending, result) in zip(group, results) {
                pending.finish(result)
            }
        }
    }

    static func outcome(_ result: OperationResult) -> Result<WriteOutcome, ServiceError> {
        switch result {
        case .recorded(let receipt), .alreadyRecorded(let receipt): .success(.receipt(receipt))
        case .prepared(let claim): .success(.prepared(claim))
        case .failed(let error): .failure(serviceError(error))
        case .notWritten: .failure(ServiceError(.failure, "the write was not made"))
        }
    }

    /// An engine error as a service error; once closing, whatever failed is the close.
    private func failure(_ error: any Error) -> ServiceError {
        state.withLock { $0.closed } ? EngineAdapter.closing : EngineAdapter.serviceError(error)
    }

    /// Runs `body` with the writer connection, after the writes queued before it.
    func onWriter<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws(ServiceError) -> T {
        if state.withLock({ $0.closed }) { throw EngineAdapter.closing }
        do {
            return try await host.write(body)
        } catch {
            throw failure(error)
        }
    }

    /// Runs `body` on a reader, in one read transaction.
    func onReader<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws(ServiceError) -> T {
        if state.withLock({ $0.closed }) { throw EngineAdapter.closing }
        do {
            return try await host.read(body)
        } catch {
            throw failure(error)
        }
    }

    public func issueToken(_ input: TokenInput, actor: String) async throws(ServiceError) -> IssuedToken {
        try await onWriter { ledger in try ledger.issueToken(input, as: Recorder(actor: actor)) }
    }

    public func importRows(_ upload: SpooledUpload, format: ImportFormat, keepGoing: Bool, allowedKinds: Set<ImportRowKind>?,
                           actor: String) async throws(ServiceError) -> ImportSummary {
        try await onWriter { ledger in
            var options = ImportOptions()
            options.format = format
            options.keepGoing = keepGoing
            options.allowedKinds = allowedKinds
            // The spooled file, read chunk by chunk from its start; the upload keeps it open.
            let source = try ByteSource(fileDescriptor: upload.descriptor, closesOnDeinit: false, name: "body")
            return try ledger.importRows(from: source, name: "body", options: options, as: Recorder(actor: actor))
        }
    }

    public func receipt(ofEntry seq: Int64) async throws(ServiceError) -> Receipt {
        try await onReader { ledger in try ledger.receipt(ofEntry: seq) }
    }

    public func tokens() async throws(ServiceError) -> [TokenInfo] {
        try await onReader { ledger in try ledger.tokens() }
    }

    public func recordAccess(_ record: AccessRecord) async throws(ServiceError) {
        try await onWriter { ledger in try ledger.recordAccess(record) }
    }

    public func accessLog(limit: Int?) async throws(ServiceError) -> [AccessRecord] {
        try await onReader { ledger in try ledger.accessLog(limit: limit) }
    }

    public func read(_ request: ReadRequest) async throws(ServiceError) -> ReadBody {
        if case .checkpoint = request, let key = checkpointKey {
            return try await onWriter { ledger in
                let checkpoint = try ledger.checkpoint(signingWith: key)
                return EngineAdapter.json(.object([("treeSize", .int(checkpoint.size)), ("root", .string(checkpoint.root.hex)),
                                                   ("note", .string(checkpoint.note))]))
            }
        }
        return try await onReader { ledger in try EngineAdapter.render(request, ledger: ledger) }
    }

    public func stream(_ request: ReadRequest) async throws(ServiceError) -> ReadStream {
        if state.withLock({ $0.closed }) { throw EngineAdapter.closing }
        let pipe = ChunkPipe()
        let contentType: String
        let produce: @Sendable (Ledger) throws -> Int
        switch request {
        case .export(let table, let format, let asOf, let at, let status, let header, let raw):
            let plan: ExportPlan
            do {
                plan = try EngineAdapter.exportPlan(table: table, format: format, asOf: asOf, at: at, status: status, header: header,
                                                    raw: raw)
            } catch {
                throw failure(error)
            }
            contentType = plan.contentType
            produce = { ledger in
                // Runs on the reader's queue: the hand-offs block it when the pipe is full.
                var completed = 0
                var abandoned = false
                let output = TextOutput { bytes in
                    do {
                        try pipe.send(StreamChunk(bytes: bytes, rowsThrough: completed))
                    } catch {
                        abandoned = true
                    }
                }
                let rows = try EngineAdapter.runExport(plan, ledger: ledger, output: output) { rows in
                    completed = rows
                    if abandoned || pipe.isCancelled { throw StreamAbandoned() }
                }
                if abandoned { throw StreamAbandoned() }
                return rows
            }
        case .journal:
            contentType = EngineAdapter.journalContentType
            produce = { ledger in
                try EngineAdapter.runJournal(ledger: ledger) { bytes, rows in
                    try pipe.send(StreamChunk(bytes: bytes, rowsThrough: rows))
                }
            }
        default:
            throw ServiceError(.failure, "this read is not streamed")
        }
        // The read runs on a reader's queue; this task only waits for it to end.
        Task {
            do {
                pipe.finish(.success(try await self.host.read(produce)))
            } catch {
                pipe.finish(.failure(self.failure(error)))
            }
        }
        // The first chunk (or the end) before answering: an error up to here is the usual problem.
        let first: StreamChunk?
        do {
            first = try await pipe.next()
        } catch let error as ServiceError {
            throw error
        } catch {
            pipe.cancel()
            throw ServiceError(.failure, "the read was stopped")
        }
        return ReadStream(contentType: contentType, pipe: pipe, first: first)
    }

    public func close() async {
        // No new write is taken; those already taken are committed and answered first.
        let drainedAlready = state.withLock { state -> Bool in
            state.closed = true
            return !state.draining
        }
        if !drainedAlready {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state -> Bool in
                    if !state.draining { return true }
                    state.drained.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        }
        // Then every connection is closed once the work queued on it is done:
        // the readers, then the writer, whose close (the last) checkpoints the
        // WAL and removes the -wal file, so the main file alone holds every
        // acknowledged entry (a copy of it is a whole ledger).
        await host.close()
    }
}
