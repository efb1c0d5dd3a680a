internal import CCurl

/// `curl_global_init` must run exactly once, before any other libcurl call
/// and before threads use it; a `static let` gives exactly that.
public enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    public static func ensureInitialized() {
        precondition(initialized, "curl_global_init failed")
    }
}
