/// What the mock server sends back, including the faults it can act out.
public struct MockResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Wait this long before answering (without blocking other connections).
    public var delayMilliseconds: Int
    /// Send the head and half the body, then close the connection.
    public var dropMidResponse: Bool

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], delayMilliseconds: Int = 0, dropMidResponse: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delayMilliseconds = delayMilliseconds
        self.dropMidResponse = dropMidResponse
    }

    public init(status: Int, contentType: String, text: String) {
        self.init(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }
}
