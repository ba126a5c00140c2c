import AccordFiles
import AccordLedger
import AccordPresentation
import AccordTrust
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ``LedgerService`` over today's synchronous `Ledger`, until the engine's
/// `Sendable` host (issue 14) lands; then this file is the only one to change.
///
/// - Writes: one writer connection on its own serial queue. Requests that
///   arrive while it is busy are collected and committed together in one
///   transaction (`Ledger.writeGroup`), each in its own savepoint, so each
///   keeps its own seq, idempotency decision and error. Results are returned
///   only after the group's commit (`synchronous=FULL`).
/// - Reads: a small pool of read-only connections on a concurrent queue, so
///   they never wait for the writer nor block Swift's cooperative threads.
/// - Errors: one switch over `LedgerError.Kind` (``serviceError(_:)``); an
///   invalid value's pointer is its `Field` named as the API names it
///   (``apiName(_:)``), never read out of a message.
public final class EngineAdapter: LedgerService {
    let path: String
    /// The ledger's settings: its clock.
    let settings: LedgerSettings
    private let writerQueue = DispatchQueue(label: "accord.writer")
    private let readerQueue = DispatchQueue(label: "accord.readers", attributes: .concurrent)
    private let writer: LedgerBox
    private let state = Mutex(State())
    private let readers = Mutex([LedgerBox]())
    /// Called with the size of each group handed to the writer.
    let onGroup: @Sendable (Int) -> Void
    /// Signs `GET /v1/checkpoint` when given.
    let checkpointKey: NoteSigningKey?

    private struct State {
        var pending: [Pending] = []
        var draining = false
        var closed = false
    }

    private struct Pending {
        var request: WriteRequest
        var finish: @Sendable (Result<Receipt, ServiceError>) -> Void
    }

    /// Opens the ledger at `path` for writing.
    /// - Throws: ``ServiceError`` when it is not a ledger or cannot be opened.
    public init(path: String, settings: LedgerSettings = LedgerSettings(), checkpointKey: NoteSigningKey? = nil,
                onGroup: @escaping @Sendable (Int) -> Void = { _ in }) throws(ServiceError) {
        self.path = path
        self.settings = settings
        self.onGroup = onGroup
        self.checkpointKey = checkpointKey
        do {
            writer = LedgerBox(try Ledger.open(at: path, settings: settings))
        } catch {
            throw EngineAdapter.serviceError(error)
        }
    }

    // MARK: Writes

    public func write(_ batch: [WriteRequest]) async -> [Result<Receipt, ServiceError>] {
        await withTaskGroup(of: (Int, Result<Receipt, ServiceError>).self) { group in
            for (index, request) in batch.enumerated() {
                group.addTask { (index, await self.enqueue(request)) }
            }
            var results = [Result<Receipt, ServiceError>](repeating: .failure(ServiceError(.failure, "not run")), count: batch.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    private func enqueue(_ request: WriteRequest) async -> Result<Receipt, ServiceError> {
        await withCheckedContinuation { continuation in
            let pending = Pending(request: request) { continuation.resume(returning: $0) }
            let start = state.withLock { state -> Bool? in
                if state.closed { return nil }
                state.pending.append(pending)
                if state.draining { return false }
                state.draining = true
                return true
            }
            switch start {
            case nil: pending.finish(.failure(ServiceError(.unavailable, "the server is shutting down; try again later")))
            case true?: writerQueue.async { self.drain() }
            case false?: break
            }
        }
    }

    /// Applies every pending request, group by group, until none is left.
    private func drain() {
        while true {
            let group = state.withLock { state -> [Pending] in
                let group = state.pending
                state.pending = []
                if group.isEmpty { state.draining = false }
                return group
            }
            if group.isEmpty { return }
            onGroup(group.count)
            // One transaction for the group, one savepoint for each request:
            // a refused request is rolled back alone. No result is handed back
            // before the transaction has committed.
            let results: [Result<Receipt, ServiceError>]
            do {
                results = try writer.open().writeGroup(group.count) { index in try apply(group[index].request) }
                    .map { $0.mapError { EngineAdapter.serviceError($0) } }
            } catch {
                // The commit failed: nothing of the group was written.
                let failure = EngineAdapter.serviceError(error)
                results = group.map { _ in .failure(failure) }
            }
            for (pending, result) in zip(group, results) {
                pending.finish(result)
            }
        }
    }

    private func apply(_ request: WriteRequest) throws -> Receipt {
        guard let idempotency = request.idempotency else { return try applyOperation(request) }
        return try writer.open().recordOnce(idempotency) { try applyOperation(request) }
    }

    private func applyOperation(_ request: WriteRequest) throws -> Receipt {
        let ledger = try writer.open()
        let recorder = Recorder(actor: request.actor)
        let receipt: Receipt
        switch request.operation {
        case .party(let input): receipt = try ledger.addParty(input, as: recorder)
        case .agreement(let input): receipt = try ledger.addAgreement(input, as: recorder)
        case .commitment(let input): receipt = try ledger.addCommitment(input, as: recorder)
        case .guarantee(let input): receipt = try ledger.addGuarantee(input, as: recorder)
        case .amendment(let input): receipt = try ledger.amend(input, as: recorder)
        case .verification(let input): receipt = try ledger.log(input, as: recorder)
        case .breach(let input): receipt = try ledger.recordBreach(input, as: recorder)
        case .corroboration(let input): receipt = try ledger.corroborate(input, as: recorder)
        case .correction(let input): receipt = try ledger.correct(input, as: recorder)
        case .retraction(let entry, let reason): receipt = try ledger.retract(entry, reason: reason, as: recorder)
        case .dispute(let entry, let by, let reason, let source):
            receipt = try ledger.dispute(entry, by: by, reason: reason, source: source, as: recorder)
        case .adjudication(let entry, let ruling, let reason):
            let parsed = try EngineAdapter.word(ruling, Ruling.self, field: "ruling")
            receipt = try ledger.adjudicate(entry, ruling: parsed, reason: reason, as: recorder)
        case .invocation(let input): receipt = try ledger.invokeGuarantee(input, as: recorder)
        case .revokeToken(let name, let reason): receipt = try ledger.revokeToken(name: name, reason: reason, as: recorder)
        }
        return receipt
    }

    /// Runs `body` with the writer connection, after the writes queued before it.
    private func onWriter<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws(ServiceError) -> T {
        if state.withLock({ $0.closed }) { throw ServiceError(.unavailable, "the server is shutting down; try again later") }
        let result: Result<T, ServiceError> = await withCheckedContinuation { continuation in
            writerQueue.async {
                do {
                    continuation.resume(returning: .success(try body(try self.writer.open())))
                } catch {
                    continuation.resume(returning: .failure(EngineAdapter.serviceError(error)))
                }
            }
        }
        return try result.get()
    }

    public func issueToken(_ input: TokenInput, actor: String) async throws(ServiceError) -> IssuedToken {
        try await onWriter { ledger in try ledger.issueToken(input, as: Recorder(actor: actor)) }
    }

    public func importRows(_ body: [UInt8], format: ImportFormat, keepGoing: Bool, allowedKinds: Set<ImportRowKind>?,
                           actor: String) async throws(ServiceError) -> ImportSummary {
        try await onWriter { ledger in
            // Today's importer reads a file: the body goes to a private temporary one.
            var template = Array("/tmp/accord-import-XXXXXX".utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else { throw ServiceError(.failure, "cannot stage the import body") }
            let file = String(cString: template)
            defer { unlink(file) }
            var offset = 0
            while offset < body.count {
                let written = body.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, body.count - offset) }
                guard written > 0 else {
                    closeDescriptor(descriptor)
                    throw ServiceError(.failure, "cannot stage the import body")
                }
                offset += written
            }
            closeDescriptor(descriptor)
            var options = ImportOptions()
            options.format = format
            options.keepGoing = keepGoing
            options.allowedKinds = allowedKinds
            return try ledger.importFile(file, options: options, as: Recorder(actor: actor))
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

    public func close() async {
        state.withLock { $0.closed = true }
        // Whatever was queued before the close finishes first (the queue is serial).
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            writerQueue.async { continuation.resume() }
        }
        while state.withLock({ $0.draining }) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                writerQueue.async { continuation.resume() }
            }
        }
        // Then every connection is closed: the readers once the reads in
        // flight are done, the writer last. The last close of a WAL database
        // checkpoints it and removes the -wal file, so the main file alone
        // holds every acknowledged entry (a copy of it is a whole ledger).
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            readerQueue.async(flags: .barrier) {
                self.readers.withLock { $0.removeAll() }
                continuation.resume()
            }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            writerQueue.async {
                self.writer.release()
                continuation.resume()
            }
        }
    }

    // MARK: Reads

    private func onReader<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws(ServiceError) -> T {
        let result: Result<T, ServiceError> = await withCheckedContinuation { continuation in
            readerQueue.async {
                do {
                    if self.state.withLock({ $0.closed }) {
                        throw ServiceError(.unavailable, "the server is shutting down; try again later")
                    }
                    let box = try self.readers.withLock { $0.popLast() } ?? LedgerBox(try Ledger.open(at: self.path, readOnly: true, settings: self.settings))
                    defer { self.readers.withLock { if $0.count < 4 { $0.append(box) } } }
                    continuation.resume(returning: .success(try body(try box.open())))
                } catch {
                    continuation.resume(returning: .failure(EngineAdapter.serviceError(error)))
                }
            }
        }
        return try result.get()
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

    static func render(_ request: ReadRequest, ledger: Ledger) throws -> ReadBody {
        switch request {
        case .report(let parameters):
            let report = try ledger.report(try reportOptions(parameters))
            let output = TextOutput(collecting: ())
            report.render(.json, to: output)
            return ReadBody(contentType: "application/json", bytes: Array(output.collected.utf8), rows: report.commitments.count)
        case .breaches(let parameters):
            let list = try ledger.breaches(try breachQuery(parameters))
            return json(list.json, rows: list.breaches.count)
        case .commitments(let agreement, let party, let at):
            let rows = try ledger.commitmentList(agreement: agreement, party: party, at: try QueryInput(at: at).atMoment())
            return rendered(rows, .json)
        case .commitment(let id, let at, let minConfidence):
            let options = try reportOptions(ReportParameters(at: at, minConfidence: minConfidence))
            let detail = try ledger.commitmentDetail(id, options: options)
            let output = TextOutput(collecting: ())
            detail.render(.json, header: true, to: output)
            return ReadBody(contentType: "application/json", bytes: Array(output.collected.utf8), rows: 1)
        case .history(let entry, let asOf):
            let result = try ledger.history(of: entry, asOf: try QueryInput(asOf: asOf).asOfPoint())
            return rendered(RowSet(columns: HistoryItem.columns, rows: result.items.map(\.cells)), .json)
        case .export(let table, let format, let asOf, let at, let status):
            guard let exportTable = ExportTable(rawValue: table) else {
                throw ServiceError(.notFound, "no export table '\(table)'; use one of "
                                   + ExportTable.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let exportFormat = try word(format ?? "csv", ExportFormat.self, field: "format",
                                        allowed: [.csv, .tsv, .json, .ndjson, .geojson])
            if exportFormat == .geojson && !exportTable.holdsRecords {
                throw ServiceError(.invalid(field: "format"),
                                   "format: geojson applies to verifications and breaches (records with a location), not \(table)")
            }
            var options = try ExportOptions(QueryInput(at: at, asOf: asOf))
            if let status { options.status = try word(status, RecordStatusFilter.self, field: "status") }
            if !exportTable.holdsRecords, at != nil || status != nil {
                throw ServiceError(.invalid(field: at != nil ? "at" : "status"),
                                   "at and status apply to verifications and breaches, not \(table)")
            }
            let output = TextOutput(collecting: ())
            guard let outputFormat = exportFormat.rows else {
                // GeoJSON: the located records as one FeatureCollection, as `accord export --format geojson`.
                let writer = GeoJSONWriter(columns: exportTable.columns, output: output)
                try ledger.export(exportTable, options: options) { writer.write($0) }
                writer.finish()
                return ReadBody(contentType: "application/geo+json", bytes: Array(output.collected.utf8), rows: writer.written)
            }
            let writer = RowWriter(format: outputFormat, columns: exportTable.columns.map(Column.init), output: output)
            var rows = 0
            try ledger.export(exportTable, options: options) { row in
                rows += 1
                writer.write(row)
            }
            writer.finish()
            return ReadBody(contentType: mediaType(outputFormat), bytes: Array(output.collected.utf8), rows: rows)
        case .brief(let format, let report, let since):
            let briefingFormat = try word(format ?? "html", BriefingFormat.self, field: "format")
            let options = BriefingOptions(report: try reportOptions(report), since: try QueryInput(since: since).sinceMoment(),
                                          database: NSStringLike(text: ledger.path).lastComponent, format: briefingFormat)
            let briefing = try ledger.briefing(options)
            return ReadBody(contentType: briefingFormat == .html ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8",
                            bytes: Array(briefing.rendered(briefingFormat).utf8), rows: briefing.report.commitments.count)
        case .journal:
            var bytes: [UInt8] = []
            var rows = 0
            try ledger.exportJournal { entry in
                entry.write(to: &bytes, pretty: false)
                bytes.append(10)
                rows += 1
            }
            return ReadBody(contentType: "application/x-ndjson", bytes: bytes, rows: rows)
        case .inclusionProof(let seq, let size):
            let seqNumber = try number(seq, "seq")
            let sizeNumber = try size.map { try number($0, "size") }
            do {
                return json(try ledger.inclusionProof(seq: seqNumber, size: sizeNumber).json, rows: 1)
            } catch let error as LedgerError {
                // The engine's fields: the entry is the request's seq, the tree size its size.
                switch error.kind {
                case .invalid(.entry?): throw ServiceError(.invalid(field: "seq"), error.message(APIPhrasing()))
                case .invalid(.treeSize?): throw ServiceError(.invalid(field: "size"), error.message(APIPhrasing()))
                default: throw error
                }
            }
        case .consistencyProof(let old, let new):
            let oldNumber = try number(old, "old")
            let newNumber = try new.map { try number($0, "new") }
            do {
                return json(try ledger.consistencyProof(oldSize: oldNumber, newSize: newNumber).json, rows: 1)
            } catch let error as LedgerError {
                // Both are tree sizes to the engine: new is at fault when it is outside the ledger.
                guard case .invalid(.treeSize?) = error.kind else { throw error }
                let head = try ledger.consistencyProof(oldSize: 1).newSize
                let newIsBad = newNumber.map { $0 < 1 || $0 > head } ?? false
                throw ServiceError(.invalid(field: newIsBad ? "new" : "old"),
                                   (newIsBad ? "new: " : "old: ") + error.message(APIPhrasing()))
            }
        case .checkpoint:
            let proof = try ledger.consistencyProof(oldSize: 1)
            return json(.object([("treeSize", .int(proof.newSize)), ("root", .string(proof.newRoot.hex)), ("note", .null)]))
        }
    }
}

/// A ledger connection handed between the queues that own it in turn; only
/// the queue that owns it touches it.
final class LedgerBox: @unchecked Sendable {
    private var ledger: Ledger?
    init(_ ledger: Ledger) { self.ledger = ledger }

    /// The connection, unless it was released.
    func open() throws(ServiceError) -> Ledger {
        guard let ledger else { throw ServiceError(.unavailable, "the server is shutting down; try again later") }
        return ledger
    }

    /// Drops the connection, which closes it.
    func release() { ledger = nil }
}

/// The last path component, for the brief's footer.
private struct NSStringLike {
    let text: String
    var lastComponent: String { text.split(separator: "/").last.map(String.init) ?? text }
}
