// The little of gRPC that Spark Connect needs, over swift-nio-http2: a plaintext HTTP/2 connection
// (prior knowledge, as grpc does for insecure channels), one stream per call, messages framed as
// 1 byte (compressed: always 0) + 4 bytes big-endian length + protobuf bytes, the outcome in the
// trailers' grpc-status and grpc-message. Callers block: the responses queue up in a `CallStream`
// that they read one message at a time, so a result can be consumed batch by batch. The queue is
// bounded: a stream reads from the connection only while fewer than `CallStream.highWater`
// messages wait, so a slow reader makes HTTP/2's flow control hold the server back.

import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

/// A failure of a call: the connection, the protocol, or the server's gRPC status and message.
public struct GRPCError: Error, Sendable, CustomStringConvertible {
    /// The gRPC status code (2: unknown, 4: deadline exceeded, 14: unavailable, …); nil when the
    /// connection failed before the server answered.
    public var status: Int?
    /// The server's message, or what went wrong in the connection.
    public var message: String
    /// The `google.rpc.Status` details the server sent in `grpc-status-details-bin` (Spark puts
    /// its error class there), undecoded.
    public var details: Data?

    public init(status: Int?, message: String, details: Data? = nil) {
        self.status = status
        self.message = message
        self.details = details
    }

    public var description: String {
        status.map { "gRPC status \($0): \(message)" } ?? message
    }

    /// The gRPC status of a call the server did not take because it is not listening there.
    public static let unavailable = 14
    /// The gRPC status of a call cancelled by the client.
    public static let cancelled = 1
}

/// The stream multiplexer the channel initializer makes, handed to `GRPCChannel.init`, which reads
/// it only after the connection's future completed (so after the initializer ran).
private final class MultiplexerBox: @unchecked Sendable {
    var multiplexer: NIOHTTP2Handler.StreamMultiplexer?
}

/// An HTTP/2 connection to a gRPC server, on one event-loop thread of its own.
public final class GRPCChannel: @unchecked Sendable {
    // Unchecked: `multiplexer` and `channel` are set once in `init` and only read after it.
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel
    private let multiplexer: NIOHTTP2Handler.StreamMultiplexer
    /// The host and port, for the :authority header and for messages.
    public let authority: String
    /// The flow-control window of the connection and of each stream, in bytes.
    public static let window = 4 << 20

    /// Connects to `host`:`port`, waiting at most `timeout` seconds.
    public init(host: String, port: Int, timeout: Int64 = 10) throws(GRPCError) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        authority = "\(host):\(port)"
        // Spark sends results in large batches: a 4 MiB window keeps the stream flowing.
        var connectionSettings = NIOHTTP2Handler.ConnectionConfiguration()
        connectionSettings.targetWindowSize = GRPCChannel.window
        var streamSettings = NIOHTTP2Handler.StreamConfiguration()
        streamSettings.targetWindowSize = GRPCChannel.window
        let (connection, stream) = (connectionSettings, streamSettings)
        // The HTTP/2 handler is in the pipeline before the connection is made: added after it, the
        // server's first frames (its SETTINGS) could arrive before it and be dropped, and the
        // connection then fail its first call with a closed stream (seen on a loaded machine).
        let made = MultiplexerBox()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(timeout))
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    made.multiplexer = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .client, connectionConfiguration: connection, streamConfiguration: stream
                    ) { $0.eventLoop.makeSucceededVoidFuture() }
                }
            }
        do {
            let channel = try bootstrap.connect(host: host, port: port).wait()
            guard let configured = made.multiplexer else {
                throw GRPCError(status: nil, message: "the HTTP/2 connection was not set up")
            }
            multiplexer = configured
            self.channel = channel
        } catch {
            try? group.syncShutdownGracefully()
            throw GRPCError(status: nil, message: "cannot connect to \(host):\(port): \(GRPCChannel.describe(error))")
        }
    }

    deinit { close() }

    private let closed = NSLock()
    private var isClosed = false

    /// Ends the connection and its thread.
    public func close() {
        closed.lock()
        defer { closed.unlock() }
        guard !isClosed else { return }
        isClosed = true
        _ = try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// Starts a call of `method` (`/package.Service/Method`) with one request message; its
    /// responses arrive in the stream returned.
    public func call(_ method: String, request: Data, metadata: [(String, String)] = []) throws(GRPCError) -> CallStream {
        let stream = CallStream()
        let created = channel.eventLoop.makePromise(of: Channel.self)
        let authority = self.authority
        multiplexer.createStreamChannel(promise: created) { streamChannel in
            // Frames are read when the stream asks (CallHandler, CallStream.next): unread ones
            // keep the stream's flow-control window from being given back to the server.
            streamChannel.setOption(ChannelOptions.autoRead, value: false).flatMap {
                streamChannel.pipeline.addHandler(
                    CallHandler(method: method, authority: authority, request: request, metadata: metadata, stream: stream))
            }
        }
        do {
            let streamChannel = try created.futureResult.wait()
            stream.attach(streamChannel)
        } catch {
            throw GRPCError(status: nil, message: "the connection to \(authority) failed: \(GRPCChannel.describe(error))")
        }
        return stream
    }

    /// Makes a unary call and waits for its one response; with a `timeout` (seconds), a call not
    /// answered by then is reset and `CallStream.timeout` thrown.
    public func unary(_ method: String, request: Data, metadata: [(String, String)] = [], timeout: Double? = nil) throws(GRPCError) -> Data {
        let stream = try call(method, request: request, metadata: metadata)
        let deadline = timeout.map { Date(timeIntervalSinceNow: $0) }
        var response: Data?
        while true {
            let message: Data?
            do {
                message = try stream.next(timeout: deadline.map { max(0, $0.timeIntervalSinceNow) })
            } catch {
                if CallStream.isTimeout(error) { stream.cancel() }
                throw error
            }
            guard let message else { break }
            if response == nil { response = message }
        }
        guard let response else { throw GRPCError(status: nil, message: "\(method) returned no response") }
        return response
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first { return describe(first.error) }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        if error is ChannelError { return "the connection was closed (\(error))" }
        return String(describing: error)
    }
}

/// The responses of one call, in order, then its end: read with `next()` from one thread.
public final class CallStream: @unchecked Sendable {
    // Unchecked: every stored property is guarded by `condition`.
    private let condition = NSCondition()
    private var messages: [Data] = []
    private var outcome: Result<Void, GRPCError>?
    private var streamChannel: Channel?
    /// Whether the handler stopped reading because `highWater` messages waited.
    private var paused = false
    private var queuedBytes = 0
    private var most = (messages: 0, bytes: 0)
    /// The most messages, and the most bytes, that waited at once (for tests: however slow the
    /// reader, at most `highWater` messages and what one read hands over, which HTTP/2's flow
    /// control keeps within the stream's window).
    public var mostQueued: (messages: Int, bytes: Int) {
        condition.lock()
        defer { condition.unlock() }
        return most
    }

    /// How many messages may wait before the stream stops reading from the connection (Spark's
    /// Arrow batches are at most 4 MiB each by default); it reads again once half are taken.
    public static let highWater = 8

    init() {}

    func attach(_ channel: Channel) {
        condition.lock()
        streamChannel = channel
        condition.unlock()
    }

    func deliver(_ message: Data) {
        condition.lock()
        messages.append(message)
        queuedBytes += message.count
        most = (max(most.messages, messages.count), max(most.bytes, queuedBytes))
        condition.signal()
        condition.unlock()
    }

    /// Whether the handler may read more from the connection now (on the event loop, after each
    /// read); when not, the stream is paused until `next` takes messages.
    func mayRead() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        paused = messages.count >= CallStream.highWater
        return !paused
    }

    func finish(_ result: Result<Void, GRPCError>) {
        condition.lock()
        if outcome == nil { outcome = result }
        condition.signal()
        condition.unlock()
    }

    /// The next response; nil after the last one of a call that succeeded. Throws the call's
    /// error. Waits at most `timeout` seconds when given, then throws `Timeout`.
    public func next(timeout: Double? = nil) throws(GRPCError) -> Data? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = timeout.map { Date(timeIntervalSinceNow: $0) }
        while messages.isEmpty, outcome == nil {
            if let deadline {
                if !condition.wait(until: deadline) { throw CallStream.timeout }
            } else {
                condition.wait()
            }
        }
        if !messages.isEmpty {
            let message = messages.removeFirst()
            queuedBytes -= message.count
            if paused, messages.count <= CallStream.highWater / 2, let channel = streamChannel {
                paused = false
                channel.eventLoop.execute { channel.read() }
            }
            return message
        }
        switch outcome {
        case .failure(let error): throw error
        default: return nil
        }
    }

    /// Thrown by `next(timeout:)` when nothing arrived in time (status nil, so no server error).
    public static let timeout = GRPCError(status: nil, message: "timed out")

    /// Whether `error` is the timeout of `next(timeout:)`.
    public static func isTimeout(_ error: GRPCError) -> Bool { error.status == nil && error.message == timeout.message }

    /// Resets the stream (HTTP/2 RST_STREAM): the server sees the call cancelled.
    public func cancel() {
        condition.lock()
        let channel = streamChannel
        condition.unlock()
        channel?.close(promise: nil)
    }
}

/// Sends one request and collects the framed responses of a stream.
private final class CallHandler: ChannelInboundHandler, @unchecked Sendable {
    // Unchecked: used only on its channel's event loop.
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let method: String
    private let authority: String
    private let request: Data
    private let metadata: [(String, String)]
    private let stream: CallStream
    private var buffer = ByteBuffer()
    private var sawHeaders = false
    private var messages = 0
    private var finished = false

    init(method: String, authority: String, request: Data, metadata: [(String, String)], stream: CallStream) {
        self.method = method
        self.authority = authority
        self.request = request
        self.metadata = metadata
        self.stream = stream
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { send(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context: context)
        context.fireChannelActive()
    }

    /// Reads on while the stream has room (the channel does not read by itself).
    func channelReadComplete(context: ChannelHandlerContext) {
        if !finished, stream.mayRead() { context.read() }
        context.fireChannelReadComplete()
    }

    private var sent = false

    private func send(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        context.read()
        var headers: HPACKHeaders = [
            ":method": "POST", ":scheme": "http", ":path": method, ":authority": authority,
            "content-type": "application/grpc", "te": "trailers", "user-agent": "byline-spark-connect",
        ]
        for (name, value) in metadata { headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
        var body = context.channel.allocator.buffer(capacity: request.count + 5)
        body.writeInteger(UInt8(0))
        body.writeInteger(UInt32(request.count))
        body.writeBytes(request)
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let frame):
            if !sawHeaders {
                sawHeaders = true
                if let status = frame.headers.first(name: ":status"), status != "200" {
                    finish(.failure(GRPCError(status: nil, message: "the server answered HTTP \(status), not gRPC")))
                    return
                }
                // A "trailers-only" answer (an error before any message) carries the status here.
                if frame.headers.first(name: "grpc-status") != nil { trailers(frame.headers) }
            } else {
                trailers(frame.headers)
            }
        case .data(let frame):
            if case .byteBuffer(var bytes) = frame.data { buffer.writeBuffer(&bytes) }
            deliverMessages()
            if frame.endStream {
                finish(.failure(GRPCError(status: nil, message: "the call ended without a gRPC status")))
            }
        case .goAway(_, let code, _):
            finish(.failure(GRPCError(status: GRPCError.unavailable, message: "the server closed the connection (\(code))")))
        case .rstStream(let code):
            finish(.failure(GRPCError(status: GRPCError.cancelled, message: "the server reset the call (\(code))")))
        default:
            break
        }
    }

    private func deliverMessages() {
        while buffer.readableBytes >= 5 {
            guard let flag: UInt8 = buffer.getInteger(at: buffer.readerIndex),
                let length: UInt32 = buffer.getInteger(at: buffer.readerIndex + 1)
            else { return }
            guard buffer.readableBytes >= 5 + Int(length) else { return }
            guard flag == 0 else {
                finish(.failure(GRPCError(status: nil, message: "the server sent a compressed message, which was not asked for")))
                return
            }
            buffer.moveReaderIndex(forwardBy: 5)
            guard let bytes = buffer.readBytes(length: Int(length)) else { return }
            messages += 1
            stream.deliver(Data(bytes))
        }
        buffer.discardReadBytes()
    }

    private func trailers(_ headers: HPACKHeaders) {
        let code = headers.first(name: "grpc-status").flatMap { Int($0) } ?? 2
        if code == 0 {
            finish(.success(()))
            return
        }
        let message = headers.first(name: "grpc-message").map(CallHandler.percentDecoded) ?? "no message"
        let details = headers.first(name: "grpc-status-details-bin").flatMap { CallHandler.base64($0) }
        finish(.failure(GRPCError(status: code, message: message, details: details)))
    }

    private func finish(_ result: Result<Void, GRPCError>) {
        guard !finished else { return }
        finished = true
        stream.finish(result)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(
            .failure(
                GRPCError(
                    status: GRPCError.cancelled,
                    message: "the call was closed before it ended (\(sawHeaders ? "after the response's headers" : "before any response"), \(messages) messages)")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        finish(.failure(GRPCError(status: nil, message: "the connection failed: \(GRPCChannel.describe(error))")))
        context.close(promise: nil)
    }

    /// grpc-message is percent-encoded (RFC 3986 style) by the server.
    static func percentDecoded(_ text: String) -> String {
        text.removingPercentEncoding ?? text
    }

    /// Binary metadata is base64 without padding.
    static func base64(_ text: String) -> Data? {
        var padded = text
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded)
    }
}
