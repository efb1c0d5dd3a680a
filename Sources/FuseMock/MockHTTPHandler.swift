import NIOCore
import NIOHTTP1

/// One connection's HTTP/1.1 handler: hands each complete request to the
/// responder and writes its answer, acting out delays and dropped connections.
final class MockHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let respond: @Sendable (MockRequest) -> MockResponse
    private let stats: ServerStats
    private var head: HTTPRequestHead?

    init(stats: ServerStats, respond: @escaping @Sendable (MockRequest) -> MockResponse) {
        self.stats = stats
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            stats.begin()
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let response = respond(MockRequest(method: head.method.rawValue, uri: head.uri, headers: headers))
            if response.delayMilliseconds > 0 {
                context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(response.delayMilliseconds))) {
                    self.send(response, for: head, context: context)
                }
            } else {
                send(response, for: head, context: context)
            }
        }
    }

    private func send(_ response: MockResponse, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard context.channel.isActive else {
            stats.end(status: 0)
            return
        }
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        let keepAlive = request.isKeepAlive && !response.dropMidResponse
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if response.dropMidResponse {
            var half = context.channel.allocator.buffer(capacity: response.body.count / 2)
            half.writeBytes(response.body.prefix(response.body.count / 2))
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(half))), promise: nil)
            stats.end(status: 0)
            context.close(promise: nil)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        stats.end(status: response.status)
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
