import Foundation

/// Just enough of the netrc format (as libcurl reads it) to tell whether a
/// file has credentials for a host: a `machine NAME` entry, or `default`.
/// `macdef` bodies (up to a blank line) are skipped; tokens may be quoted.
package enum Netrc {
    package static func hasEntry(for host: String, in text: String) -> Bool {
        var tokens = tokenize(text).makeIterator()
        while let token = tokens.next() {
            switch token {
            case "default": return true
            case "machine": if tokens.next()?.lowercased() == host.lowercased() { return true }
            default: continue
            }
        }
        return false
    }

    package static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst() {
            var rest = line[...]
            while true {
                rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
                guard let first = rest.first else { break }
                if first == "#" { break }
                var token = ""
                if first == "\"" {
                    rest = rest.dropFirst()
                    while let c = rest.first, c != "\"" {
                        rest = rest.dropFirst()
                        if c == "\\", let next = rest.first {
                            token.append(next)
                            rest = rest.dropFirst()
                        } else {
                            token.append(c)
                        }
                    }
                    rest = rest.dropFirst()
                } else {
                    let end = rest.firstIndex { $0 == " " || $0 == "\t" || $0 == "\r" } ?? rest.endIndex
                    token = String(rest[..<end])
                    rest = rest[end...]
                }
                tokens.append(token)
                if token == "macdef" {
                    // The macro's body runs to the next blank line.
                    while let body = lines.popFirst(), !body.trimmingCharacters(in: .whitespaces).isEmpty {}
                    break
                }
            }
        }
        return tokens
    }
}
