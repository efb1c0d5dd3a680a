import Curl

extension CurlError.Kind {
    /// How an outage message names this failure ("connection refused ×20").
    var outageWords: String {
        switch self {
        case .connectionRefused: "connection refused"
        case .hostNotFound: "host not found"
        case .tls: "TLS failure"
        case .timeout: "timeout"
        case .connectionLost: "connection lost"
        case .bodyTooLarge: "body too large"
        case .other: "transfer error"
        }
    }
}
