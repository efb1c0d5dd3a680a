import Foundation

/// Recognises answers that come from something other than the Fuse API: a
/// web server's 404 page (the base URL misses `/api`, or points at the
/// wrong host), an HTML page with status 200 (a captive portal, a proxy's
/// login page), or a redirect (the API never redirects, and callhist never
/// follows one: its credentials would go where it points). Such an answer says nothing about the call, so it is never
/// recorded as "not found": the run stops as misconfigured
/// (docs/reliability.md, "Misconfiguration is not an answer").
enum ForeignAnswer {
    /// Why `status`/`body` is not the API's answer, or nil when it is (or may be).
    static func problem(status: Int, contentType: String?, body: [UInt8], location: String? = nil) -> String? {
        switch status {
        case 300...399:
            // A value from outside: one line, bounded.
            let target = location.map { String($0.prefix(200)).replacingOccurrences(of: "\n", with: " ") } ?? "nowhere (no Location header)"
            return "HTTP \(status), a redirect to \(target), which callhist never follows"
        case 404:
            // The API answers an unknown id with its error document,
            // {"error": "..."} or <result><error>...</error></result>.
            guard StatusDecoder.errorMessage(body) == nil else { return nil }
            return "HTTP 404 with \(describe(contentType: contentType, body: body)), not the API's error document"
        case 200:
            guard isHTML(contentType: contentType, body: body) else { return nil }
            return "HTTP 200 with \(describe(contentType: contentType, body: body)), not a call status"
        default:
            return nil
        }
    }

    /// Judged by the body, as everything else is: servers label JSON
    /// `text/html` often enough, and an HTML page `application/json` too.
    static func isHTML(contentType: String?, body: [UInt8]) -> Bool {
        let start = body.drop { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }.prefix(15)
        let text = String(decoding: start, as: UTF8.self).lowercased()
        return text.hasPrefix("<!doctype html") || text.hasPrefix("<html")
    }

    /// "an HTML page (text/html): <title>…" or "an empty body" — short, one line.
    static func describe(contentType: String?, body: [UInt8]) -> String {
        guard !body.isEmpty else { return "an empty body" }
        let kind = isHTML(contentType: contentType, body: body) ? "an HTML page" : "a body"
        let type = contentType.map { " (\($0))" } ?? ""
        var excerpt = String(decoding: body.prefix(200), as: UTF8.self)
        if let title = excerpt.range(of: "<title>", options: .caseInsensitive),
            let end = excerpt.range(of: "</title>", options: .caseInsensitive, range: title.upperBound..<excerpt.endIndex)
        {
            excerpt = String(excerpt[title.upperBound..<end.lowerBound])
        }
        excerpt = excerpt.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if excerpt.count > 80 { excerpt = String(excerpt.prefix(80)) + "…" }
        return "\(kind)\(type): \"\(excerpt)\""
    }
}
