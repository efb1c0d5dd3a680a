internal import CCurl
import Foundation

/// One libcurl easy handle and the buffers of its current transfer. Reused
/// across transfers (so it keeps its connection and TLS session); not
/// `Sendable`: only the driver's thread touches it.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    private(set) var body: [UInt8] = []
    private var headers: [String: String] = [:]
    private var maxBodyBytes = Int.max
    private(set) var bodyTooLarge = false

    init() {
        CurlGlobal.ensureInitialized()
        guard let h = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        raw = h
    }

    deinit {
        curl_easy_cleanup(raw)
        curl_slist_free_all(headerList)
    }

    /// The first option libcurl refused while configuring, if any.
    private var refused: CurlError?

    /// The system's CA bundle, as this libcurl was built to read it (Debian:
    /// /etc/ssl/certs/ca-certificates.crt), when that file exists.
    static let systemCABundle: String? = {
        guard let path = callhist_default_cainfo().map({ String(cString: $0) }), FileManager.default.isReadableFile(atPath: path) else {
            return nil
        }
        return path
    }()

    /// Sets every option for `request` from a clean state. Every setopt is
    /// checked: an option this libcurl refuses fails the transfer, loudly,
    /// instead of sending a request that is not the one asked for. `share`
    /// is the run's TLS session cache (CurlMulti's).
    func configure(_ request: CurlRequest, share: UnsafeMutableRawPointer) throws(CurlError) {
        refused = nil
        curl_easy_reset(raw)
        curl_slist_free_all(headerList)
        headerList = nil
        body.removeAll(keepingCapacity: true)
        headers.removeAll(keepingCapacity: true)
        bodyTooLarge = false
        maxBodyBytes = request.maxBodyBytes
        errorBuffer.withUnsafeMutableBufferPointer { $0[0] = 0 }

        setLong(CURLOPT_NOSIGNAL, 1)  // no SIGALRM for DNS timeouts: we run with threads
        setString(CURLOPT_URL, request.url)
        setString(CURLOPT_PROTOCOLS_STR, "http,https")
        setLong(CURLOPT_FOLLOWLOCATION, 0)
        setString(CURLOPT_USERAGENT, request.userAgent)
        setString(CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode
        setLong(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))  // HTTP/2 over TLS when offered
        setLong(CURLOPT_TCP_KEEPALIVE, 1)
        if request.bypassProxy { setString(CURLOPT_NOPROXY, "*") }
        if let proxy = request.proxy { setString(CURLOPT_PROXY, proxy) }
        // HTTP/2: a new transfer waits for the connection being set up and
        // shares it (up to its stream limit) instead of opening another: one
        // TLS handshake for the run, not one per transfer in flight. Only
        // over TLS, where ALPN says at once whether the server multiplexes:
        // over plain HTTP libcurl would hold every transfer behind the first
        // answer, and one hung request would stall the others.
        if request.url.prefix(8).lowercased() == "https://" { setLong(CURLOPT_PIPEWAIT, 1) }
        check(callhist_easy_setopt_pointer(raw, CURLOPT_SHARE, share), "CURLOPT_SHARE")
        // Trust one bundle file and no CA folder: only then does libcurl keep
        // the certificate store it parsed (CURLOPT_CA_CACHE_TIMEOUT, 24 h) for
        // every later connection of the run, instead of parsing the ~140
        // certificates again per connection (Debian's libcurl also names
        // /etc/ssl/certs as a folder, which turns that cache off).
        if let trust = request.caBundle ?? Self.systemCABundle {
            setString(CURLOPT_CAINFO, trust)
            check(callhist_easy_setopt_pointer(raw, CURLOPT_CAPATH, nil), "CURLOPT_CAPATH")
        }
        if let caBundle = request.caBundle {
            setString(CURLOPT_PROXY_CAINFO, caBundle)  // an inspecting HTTPS proxy signs with the same CA
        }
        setLong(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(request.connectTimeout))
        setLong(CURLOPT_TIMEOUT_MS, milliseconds(request.timeout))
        if let auth = request.auth {
            setLong(CURLOPT_HTTPAUTH, callhist_curlauth_basic())
            setString(CURLOPT_USERNAME, auth.user)
            setString(CURLOPT_PASSWORD, auth.password)
        } else if let netrc = request.netrcFile {
            setLong(CURLOPT_HTTPAUTH, callhist_curlauth_basic())
            setLong(CURLOPT_NETRC, Int(CURL_NETRC_REQUIRED.rawValue))
            setString(CURLOPT_NETRC_FILE, netrc)
        }
        for header in request.headers { headerList = curl_slist_append(headerList, header) }
        // curl does not copy the list: it lives as long as this handle's transfer.
        if let headerList { check(callhist_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, headerList), "CURLOPT_HTTPHEADER") }

        errorBuffer.withUnsafeMutableBufferPointer {
            check(callhist_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, $0.baseAddress), "CURLOPT_ERRORBUFFER")
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        check(
            callhist_easy_setopt_callback(raw, CURLOPT_WRITEFUNCTION) { ptr, size, count, context in
                let handle = Unmanaged<EasyHandle>.fromOpaque(context!).takeUnretainedValue()
                let n = size * count
                guard handle.body.count + n <= handle.maxBodyBytes else {
                    handle.bodyTooLarge = true
                    return 0  // any other count aborts the transfer with CURLE_WRITE_ERROR
                }
                if let ptr { handle.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n)) }
                return n
            }, "CURLOPT_WRITEFUNCTION")
        check(callhist_easy_setopt_pointer(raw, CURLOPT_WRITEDATA, me), "CURLOPT_WRITEDATA")
        check(
            callhist_easy_setopt_callback(raw, CURLOPT_HEADERFUNCTION) { ptr, size, count, context in
                let handle = Unmanaged<EasyHandle>.fromOpaque(context!).takeUnretainedValue()
                let n = size * count
                guard let ptr else { return n }
                handle.takeHeaderLine(UnsafeRawBufferPointer(start: ptr, count: n))
                return n
            }, "CURLOPT_HEADERFUNCTION")
        check(callhist_easy_setopt_pointer(raw, CURLOPT_HEADERDATA, me), "CURLOPT_HEADERDATA")
        if let refused { throw refused }
    }

    /// Remembers the first refused option (configuring goes on, so the
    /// handle is never left half-set for the next transfer's reset).
    private func check(_ code: CURLcode, _ option: String) {
        guard code != CURLE_OK, refused == nil else { return }
        refused = CurlError(
            kind: .other, code: Int32(bitPattern: code.rawValue),
            message: "libcurl refused \(option): \(String(cString: curl_easy_strerror(code)))")
    }

    /// One header line, parsed in bytes: names lowercased (ASCII), the
    /// value without surrounding blanks. (Going through Foundation's
    /// trimming cost more than the rest of a transfer's Swift code.)
    private func takeHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        var start = 0
        var end = bytes.count
        while start < end && blank(bytes[start]) { start += 1 }
        while end > start && blank(bytes[end - 1]) { end -= 1 }
        guard start < end else { return }
        if end - start >= 5 && bytes[start..<start + 5].elementsEqual("HTTP/".utf8) {
            headers.removeAll(keepingCapacity: true)  // a new response block (after 100 Continue)
            return
        }
        guard let colon = bytes[start..<end].firstIndex(of: UInt8(ascii: ":")) else { return }
        var nameEnd = colon
        while nameEnd > start && blank(bytes[nameEnd - 1]) { nameEnd -= 1 }
        var valueStart = colon + 1
        while valueStart < end && blank(bytes[valueStart]) { valueStart += 1 }
        let name = String(decoding: bytes[start..<nameEnd].lazy.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        headers[name] = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<end]), as: UTF8.self)
    }

    /// The outcome of the finished transfer, given libcurl's result code.
    func result(code: CURLcode) -> Result<CurlResponse, CurlError> {
        if bodyTooLarge {
            return .failure(
                CurlError(kind: .bodyTooLarge, code: Int32(bitPattern: code.rawValue), message: "response body larger than \(maxBodyBytes) bytes"))
        }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return .failure(CurlError(code: code, detail: detail))
        }
        var status = 0
        let info = callhist_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &status)
        guard info == CURLE_OK else { return .failure(CurlError(code: info, detail: "cannot read the response code")) }
        var connections = 0
        _ = callhist_easy_getinfo_long(raw, CURLINFO_NUM_CONNECTS, &connections)  // a figure for the summary: unread is 0
        return .success(CurlResponse(status: status, headers: headers, body: body, connectionsOpened: connections))
    }

    private func setLong(_ option: CURLoption, _ value: Int) { check(callhist_easy_setopt_long(raw, option, value), "option \(option.rawValue)") }
    private func setString(_ option: CURLoption, _ value: String) {
        check(callhist_easy_setopt_string(raw, option, value), "option \(option.rawValue)")
    }
    private func milliseconds(_ d: Duration) -> Int {
        Int(d.wholeMilliseconds)
    }
}

/// One owner, one thread: the type system says so, not a comment.
@available(*, unavailable)
extension EasyHandle: Sendable {}
