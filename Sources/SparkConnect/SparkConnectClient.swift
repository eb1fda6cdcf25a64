// A Spark Connect session: SQL sent as a plan (ExecutePlan), results read back as Arrow batches one
// response at a time, a running operation stopped by the Interrupt RPC. Synchronous: the caller's
// thread waits on the response queue, looking at its cancellation check between waits.

import Foundation
import SparkConnectProtocol
import SwiftProtobuf

/// What Spark said went wrong, or why it could not be asked.
public struct SparkError: Error, Sendable, CustomStringConvertible {
    /// Spark's error class (`DIVIDE_BY_ZERO`, `TABLE_OR_VIEW_NOT_FOUND`, …) when it gave one.
    public var errorClass: String?
    /// The message, as Spark wrote it (its first line), or the connection's failure.
    public var message: String
    /// Whether the server could not be reached at all (no server, refused, reset).
    public var isConnectionFailure: Bool
    /// Whether the operation was stopped by an interrupt.
    public var isInterrupted: Bool

    public init(_ message: String, errorClass: String? = nil, isConnectionFailure: Bool = false, isInterrupted: Bool = false) {
        self.message = message
        self.errorClass = errorClass
        self.isConnectionFailure = isConnectionFailure
        self.isInterrupted = isInterrupted
    }

    public var description: String { message }

    init(_ error: GRPCError) {
        var errorClass: String?
        if let details = error.details, let status = try? Google_Rpc_Status(serializedBytes: details) {
            for detail in status.details where detail.typeURL.hasSuffix("google.rpc.ErrorInfo") {
                // Spark puts its error class in the metadata; the reason is the Java exception's class.
                if let info = try? Google_Rpc_ErrorInfo(serializedBytes: detail.value) { errorClass = info.metadata["errorClass"] ?? errorClass }
            }
        }
        let firstLine = error.message.split(whereSeparator: \.isNewline).first.map(String.init) ?? error.message
        self.init(
            firstLine, errorClass: errorClass, isConnectionFailure: error.status == nil || error.status == GRPCError.unavailable,
            isInterrupted: errorClass == "OPERATION_CANCELED" || firstLine.contains("OPERATION_CANCELED"))
    }
}

/// Where a Spark Connect server is: `sc://HOST:PORT` (port 15002 when left out), with optional
/// `/;name=value` parameters of which `user_id` is read.
public struct SparkConnectAddress: Equatable, Sendable {
    public var host: String
    public var port: Int
    public var userID: String

    /// Parses an `sc://` address; nil when it is not one.
    public init?(_ text: String) {
        guard text.lowercased().hasPrefix("sc://") else { return nil }
        var rest = Substring(text.dropFirst(5))
        var parameters: [String: String] = [:]
        if let slash = rest.firstIndex(of: "/") {
            for pair in rest[slash...].dropFirst().split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { parameters[String(parts[0])] = String(parts[1]) }
            }
            rest = rest[..<slash]
        }
        var host = rest
        var port = 15002
        if rest.hasPrefix("[") {  // [IPv6]:port
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()) else { return nil }
                port = number
            }
        } else if let colon = rest.lastIndex(of: ":") {
            guard let number = Int(rest[rest.index(after: colon)...]) else { return nil }
            host = rest[..<colon]
            port = number
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
        userID = parameters["user_id"] ?? ProcessInfo.processInfo.environment["USER"] ?? "byline"
    }
}

/// A value for a parameter marker of a statement.
public enum SparkParameter: Equatable, Sendable {
    /// SQL's null, of no type (the statement casts it to the type it needs).
    case null
    case bool(Bool)
    case long(Int64)
    case double(Double)
    case string(String)

    var literal: Spark_Connect_Expression.Literal {
        var literal = Spark_Connect_Expression.Literal()
        switch self {
        case .null:
            var type = Spark_Connect_DataType()
            type.null = Spark_Connect_DataType.NULL()
            literal.null = type
        case .bool(let flag): literal.boolean = flag
        case .long(let number): literal.long = number
        case .double(let number): literal.double = number
        case .string(let text): literal.string = text
        }
        return literal
    }
}

/// A session on a Spark Connect server.
public final class SparkConnectClient: @unchecked Sendable {
    // Unchecked: the channel is thread-safe; `sessionID` and `address` are constants.
    private let channel: GRPCChannel
    /// The address connected to.
    public let address: SparkConnectAddress
    /// The session's id (a UUID the client chooses, as the protocol asks).
    public let sessionID = UUID().uuidString.lowercased()

    private static let service = "/spark.connect.SparkConnectService/"

    /// Connects to the server, and checks that it answers as Spark Connect.
    public init(_ address: SparkConnectAddress) throws(SparkError) {
        self.address = address
        do {
            channel = try GRPCChannel(host: address.host, port: address.port)
        } catch {
            throw SparkError(error)
        }
        _ = try sparkVersion()
    }

    /// Ends the session's connection.
    public func close() {
        var request = Spark_Connect_ReleaseSessionRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        if let bytes = try? request.serializedBytes() as Data {
            _ = try? channel.unary(SparkConnectClient.service + "ReleaseSession", request: bytes)
        }
        channel.close()
    }

    private var userContext: Spark_Connect_UserContext {
        var context = Spark_Connect_UserContext()
        context.userID = address.userID
        return context
    }

    /// The server's Spark version (an AnalyzePlan call: the cheapest question it answers).
    public func sparkVersion() throws(SparkError) -> String {
        var request = Spark_Connect_AnalyzePlanRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = "byline"
        request.sparkVersion = Spark_Connect_AnalyzePlanRequest.SparkVersion()
        let response: Spark_Connect_AnalyzePlanResponse = try unary("AnalyzePlan", request)
        return response.sparkVersion.version
    }

    /// Starts running `sql` (one statement, a query or a command), with the values of its named
    /// parameter markers (`:p1` takes `parameters["p1"]`); its results are read from the
    /// execution returned.
    public func execute(_ sql: String, parameters: [String: SparkParameter] = [:]) throws(SparkError) -> SparkExecution {
        var relation = Spark_Connect_Relation()
        var statement = Spark_Connect_SQL()
        statement.query = sql
        for (name, value) in parameters {
            var expression = Spark_Connect_Expression()
            expression.literal = value.literal
            statement.namedArguments[name] = expression
        }
        relation.sql = statement
        var plan = Spark_Connect_Plan()
        plan.root = relation
        return try start(plan)
    }

    /// Starts running a plan.
    private func start(_ plan: Spark_Connect_Plan) throws(SparkError) -> SparkExecution {
        var request = Spark_Connect_ExecutePlanRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = "byline"
        let operationID = UUID().uuidString.lowercased()
        request.operationID = operationID
        request.plan = plan
        do {
            let bytes: Data = try request.serializedBytes()
            let stream = try channel.call(SparkConnectClient.service + "ExecutePlan", request: bytes)
            return SparkExecution(client: self, stream: stream, operationID: operationID)
        } catch let error as GRPCError {
            throw SparkError(error)
        } catch {
            throw SparkError("cannot encode the request: \(error)")
        }
    }

    /// Makes (or replaces) the session's temporary view `name` of the rows of `columns`, sent as
    /// an Arrow stream in a LocalRelation (one gRPC message: Spark's default limit is 128 MiB).
    public func createTemporaryView(_ name: String, columns: [ArrowColumnToWrite], isCancelled: () -> Bool = { false }) throws(SparkError) {
        var local = Spark_Connect_LocalRelation()
        do {
            local.data = try ArrowStreamWriter.stream(columns)
        } catch {
            throw SparkError("cannot send the rows to Spark: \(error)")
        }
        var relation = Spark_Connect_Relation()
        relation.localRelation = local
        var view = Spark_Connect_CreateDataFrameViewCommand()
        view.input = relation
        view.name = name
        view.isGlobal = false
        view.replace = true
        var command = Spark_Connect_Command()
        command.createDataframeView = view
        var plan = Spark_Connect_Plan()
        plan.command = command
        let execution = try start(plan)
        while try execution.nextBatch(isCancelled: isCancelled) != nil {}
    }

    /// Runs `sql` and reads every batch of its result.
    public func collect(_ sql: String) throws(SparkError) -> [ArrowBatch] {
        let execution = try execute(sql)
        var batches: [ArrowBatch] = []
        while let batch = try execution.nextBatch(isCancelled: { false }) { batches.append(batch) }
        return batches
    }

    /// Asks the server to stop operation `operationID` of this session; returns the operations it
    /// stopped: empty when it knows no such running operation (not yet started, or already ended).
    /// Waits at most `timeout` seconds for the answer when given.
    @discardableResult
    public func interrupt(operationID: String, timeout: Double? = nil) throws(SparkError) -> [String] {
        var request = Spark_Connect_InterruptRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = "byline"
        request.interruptType = .operationID
        request.operationID = operationID
        let response: Spark_Connect_InterruptResponse = try unary("Interrupt", request, timeout: timeout)
        return response.interruptedIds
    }

    private func unary<Response: SwiftProtobuf.Message>(
        _ method: String, _ request: some SwiftProtobuf.Message, timeout: Double? = nil
    ) throws(SparkError) -> Response {
        do {
            let bytes: Data = try request.serializedBytes()
            let answer = try channel.unary(SparkConnectClient.service + method, request: bytes, timeout: timeout)
            return try Response(serializedBytes: answer)
        } catch let error as GRPCError {
            throw SparkError(error)
        } catch {
            throw SparkError("Spark Connect's answer to \(method) could not be read: \(error)")
        }
    }
}

/// One running operation: its Arrow batches, read in order.
public final class SparkExecution {
    private let client: SparkConnectClient
    private let stream: CallStream
    /// The operation's id, for Interrupt.
    public let operationID: String
    private var pending: [ArrowBatch] = []
    private var interrupted = false
    private var done = false
    /// The tasks running for the operation and the stages started, as the server's last progress
    /// report said (Spark sends one every 2 s while a job runs).
    public private(set) var runningTasks = 0
    public private(set) var startedStages = 0
    /// The columns of the result, once a batch or the schema has been seen.
    public private(set) var fields: [ArrowField]?
    /// Whether the server ended the operation's stream (its last result, its error, or the end of
    /// an interrupted operation), rather than the client giving up waiting for it in `cancel()`.
    public private(set) var endedOnServer = false
    /// How many Interrupt calls `cancel()` made (one, unless Spark did not yet know the operation,
    /// or an Interrupt call went unanswered).
    public private(set) var interruptsSent = 0
    /// The most response messages, and bytes, that waited unread at once (see `CallStream.highWater`).
    public var mostQueued: (messages: Int, bytes: Int) { stream.mostQueued }
    /// Whether Spark said it interrupted this operation (its answer to an Interrupt call named it).
    public private(set) var interruptAccepted = false
    /// How long `cancel()` waits for an operation Spark accepted to interrupt to end on the
    /// server, in seconds (`interruptPatience` unless changed: a caller that must know the
    /// operation ended there, such as a test, waits longer).
    public var endPatience = SparkExecution.interruptPatience

    init(client: SparkConnectClient, stream: CallStream, operationID: String) {
        self.client = client
        self.stream = stream
        self.operationID = operationID
    }

    /// How long `cancel()` waits by default for an operation Spark accepted to interrupt to end
    /// there, in seconds. Spark ends a running job's operation in well under a tenth of a second;
    /// a query it is still planning (seen: the first queries after the server starts, compiling
    /// code) ends only when planning does, up to seconds later, though it runs no task after the
    /// interrupt. Past this the client stops waiting, so Ctrl-C is answered within a second, and
    /// the operation ends on the server alone. See `endPatience`.
    public static let interruptPatience = 0.5
    /// How long `cancel()` keeps asking Spark to interrupt an operation it does not know yet (the
    /// ExecutePlan call not yet taken by the server, which can be slower than the Interrupt call
    /// sent after it on a loaded machine), in seconds.
    static let registrationPatience = 10.0

    /// The next batch of rows, nil after the last. `isCancelled` is asked every 50 ms while
    /// waiting: when it says yes, the operation is interrupted on the server (`cancel()`) and the
    /// error thrown says so.
    public func nextBatch(isCancelled: () -> Bool) throws(SparkError) -> ArrowBatch? {
        while pending.isEmpty {
            if interrupted { throw SparkError("interrupted", isInterrupted: true) }
            guard !done else { return nil }
            if isCancelled() {
                cancel()
                continue
            }
            let message: Data?
            do {
                message = try stream.next(timeout: 0.05)
            } catch {
                if CallStream.isTimeout(error) { continue }
                done = true
                endedOnServer = true
                throw SparkError(error)
            }
            guard let message else {
                done = true
                endedOnServer = true
                return nil
            }
            let response: Spark_Connect_ExecutePlanResponse
            do {
                response = try Spark_Connect_ExecutePlanResponse(serializedBytes: message)
            } catch {
                cancel()
                throw SparkError("Spark Connect's response could not be read: \(error)")
            }
            if case .executionProgress(let progress) = response.responseType {
                runningTasks = Int(progress.numInflightTasks)
                startedStages = progress.stages.count
            }
            if case .arrowBatch(let batch) = response.responseType {
                do {
                    var reader = ArrowStreamReader(batch.data)
                    while let decoded = try reader.nextBatch() {
                        fields = decoded.fields
                        pending.append(decoded)
                    }
                    if fields == nil { fields = reader.fields }
                } catch {
                    cancel()
                    throw SparkError("Spark's result could not be read: \(error)")
                }
            }
        }
        return pending.removeFirst()
    }

    /// Interrupts the operation on the server, and waits for Spark to end it: the Interrupt call is
    /// repeated every 100 ms until Spark says it interrupted this operation (an interrupt that
    /// arrives before the server has taken the ExecutePlan call finds nothing to stop and would be
    /// lost), then the rest of the stream is dropped until Spark's end of it, at most
    /// `endPatience` seconds later. Returns at once when the operation already ended.
    public func cancel() {
        guard !interrupted, !done else { return }
        interrupted = true
        pending.removeAll()
        let started = Date()
        var acceptedAt: Date?
        var askedAt: Date?
        while true {
            if acceptedAt == nil, askedAt.map({ Date().timeIntervalSince($0) >= 0.1 }) ?? true {
                askedAt = Date()
                interruptsSent += 1
                // An Interrupt call left unanswered is asked again on a new stream (seen: a call
                // the server never answered, while it answered the same call made again).
                let stopped = (try? client.interrupt(operationID: operationID, timeout: SparkExecution.interruptPatience)) ?? []
                if stopped.contains(operationID) {
                    acceptedAt = Date()
                    interruptAccepted = true
                }
            }
            do {
                if try stream.next(timeout: 0.05) == nil {  // ended before the interrupt took
                    endedOnServer = true
                    break
                }
            } catch {
                if !CallStream.isTimeout(error) {  // Spark's OPERATION_CANCELED, or the connection's end
                    endedOnServer = error.status != nil
                    break
                }
            }
            let waited = Date().timeIntervalSince(acceptedAt ?? started)
            if waited > (acceptedAt == nil ? SparkExecution.registrationPatience : endPatience) { break }
        }
        done = true
        stream.cancel()
    }
}
