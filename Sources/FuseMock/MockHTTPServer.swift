import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 server on SwiftNIO (keep-alive, pipelining) that answers
/// every request with a `responder`. fuse-mock and the tests build on it.
public final class MockHTTPServer: Sendable {
    public let port: Int
    public let stats: ServerStats
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel

    /// Binds to `host:port` (port 0 picks a free one) and starts serving.
    public init(
        host: String = "127.0.0.1", port: Int = 0, threads: Int = System.coreCount, stats: ServerStats = ServerStats(),
        responder: @escaping @Sendable (MockRequest) -> MockResponse
    ) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MockHTTPHandler(stats: stats, respond: responder))
                }
            }
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        self.group = group
        self.stats = stats
        self.port = channel.localAddress?.port ?? port
    }

    public static var coreCount: Int { System.coreCount }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Blocks until the server is shut down.
    public func wait() throws { try channel.closeFuture.wait() }

    public func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}
