/// A completed HTTP exchange: any status code, its headers and its body.
public struct CurlResponse: Sendable {
    public let status: Int
    /// Header names lower-cased; a repeated header keeps its last value.
    public let headers: [String: String]
    public let body: [UInt8]
    /// Connections this transfer had to open (CURLINFO_NUM_CONNECTS): 0 when
    /// it reused one, or shared an HTTP/2 connection with other transfers.
    public let connectionsOpened: Int

    public init(status: Int, headers: [String: String], body: [UInt8], connectionsOpened: Int = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.connectionsOpened = connectionsOpened
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}
