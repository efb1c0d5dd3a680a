import ArchiveCore

/// JSON text exactly as SQLite's JSON functions write it, for what callhist
/// builds in Swift where SQLite builds it in SQL (a PostgreSQL archive's
/// export): `json_quote` escaping, `json()` minifying (the text of every
/// number and string kept as received), and `json_extract` of a top-level
/// member (the first of duplicates). Valid means RFC 8259, as SQLite 3.40's
/// `json_valid`. Byte-identical exports from both backends rest on this.
package enum SQLiteJSON {
    /// `json_quote(s)`.
    package static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5c: out += "\\\\"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0a: out += "\\n"
            case 0x0c: out += "\\f"
            case 0x0d: out += "\\r"
            case 0..<0x20: out += "\\u00" + String(scalar.value, radix: 16).leftPadded(2)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The labels of one call as `calls_with_labels` and the export write
    /// them: an object by name, one value as a string, several as an array.
    /// `labels` sorted by name then value (byte order).
    package static func labels(_ labels: [(name: String, value: String)]) -> String {
        var out = "{"
        var k = 0
        while k < labels.count {
            var end = k + 1
            while end < labels.count && labels[end].name == labels[k].name { end += 1 }
            if k > 0 { out += "," }
            out += quote(labels[k].name) + ":"
            out += end - k == 1 ? quote(labels[k].value) : "[" + labels[k..<end].map { quote($0.value) }.joined(separator: ",") + "]"
            k = end
        }
        return out + "}"
    }

    /// `json(text)`: the text without insignificant white space, or nil when it is not valid JSON.
    package static func minified(_ bytes: [UInt8]) -> [UInt8]? {
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        guard parser.value(depth: 0),
            ({
                parser.skipSpace()
                return parser.at == bytes.count
            }())
        else { return nil }
        return parser.out
    }

    /// The first member `key` of a minified top-level object, and whether it is an object itself.
    package static func member(_ minified: [UInt8], _ key: String) -> (text: [UInt8], isObject: Bool)? {
        guard minified.first == UInt8(ascii: "{") else { return nil }
        let label = Array(quote(key).utf8)
        var i = 1
        while i < minified.count && minified[i] != UInt8(ascii: "}") {
            let keyEnd = Parser.end(of: minified, at: i)
            let valueStart = keyEnd + 1  // after ':'
            let valueEnd = Parser.end(of: minified, at: valueStart)
            if Array(minified[i..<keyEnd]) == label {
                return (Array(minified[valueStart..<valueEnd]), minified[valueStart] == UInt8(ascii: "{"))
            }
            i = valueEnd + 1  // after ','
        }
        return nil
    }

    /// A strict RFC 8259 parser that copies the text minus white space.
    package struct Parser {
        package let bytes: [UInt8]
        package var at = 0
        package var out: [UInt8] = []

        package init(bytes: [UInt8]) {
            self.bytes = bytes
            out.reserveCapacity(bytes.count)
        }

        package mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[at]) { at += 1 }
        }

        private mutating func take(_ c: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == c else { return false }
            out.append(c)
            at += 1
            return true
        }

        private mutating func literal(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard at + w.count <= bytes.count, Array(bytes[at..<at + w.count]) == w else { return false }
            out += w
            at += w.count
            return true
        }

        package mutating func value(depth: Int) -> Bool {
            guard depth < 1000, at < bytes.count else { return false }
            switch bytes[at] {
            case UInt8(ascii: "{"):
                _ = take(UInt8(ascii: "{"))
                skipSpace()
                if take(UInt8(ascii: "}")) { return true }
                repeat {
                    skipSpace()
                    guard at < bytes.count, bytes[at] == UInt8(ascii: "\""), string() else { return false }
                    skipSpace()
                    guard take(UInt8(ascii: ":")) else { return false }
                    skipSpace()
                    guard value(depth: depth + 1) else { return false }
                    skipSpace()
                } while take(UInt8(ascii: ","))
                return take(UInt8(ascii: "}"))
            case UInt8(ascii: "["):
                _ = take(UInt8(ascii: "["))
                skipSpace()
                if take(UInt8(ascii: "]")) { return true }
                repeat {
                    skipSpace()
                    guard value(depth: depth + 1) else { return false }
                    skipSpace()
                } while take(UInt8(ascii: ","))
                return take(UInt8(ascii: "]"))
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        private mutating func string() -> Bool {
            guard take(UInt8(ascii: "\"")) else { return false }
            while at < bytes.count {
                let c = bytes[at]
                if c == UInt8(ascii: "\"") { return take(c) }
                if c < 0x20 { return false }
                if c == UInt8(ascii: "\\") {
                    guard at + 1 < bytes.count else { return false }
                    let e = bytes[at + 1]
                    if e == UInt8(ascii: "u") {
                        guard at + 6 <= bytes.count, bytes[at + 2..<at + 6].allSatisfy({ Parser.isHex($0) }) else { return false }
                        out += bytes[at..<at + 6]
                        at += 6
                        continue
                    }
                    guard Array("\"\\/bfnrt".utf8).contains(e) else { return false }
                    out += [c, e]
                    at += 2
                    continue
                }
                out.append(c)
                at += 1
            }
            return false
        }

        private mutating func digits() -> Int {
            var n = 0
            while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39 {
                out.append(bytes[at])
                at += 1
                n += 1
            }
            return n
        }

        private mutating func number() -> Bool {
            _ = take(UInt8(ascii: "-"))
            guard at < bytes.count else { return false }
            if bytes[at] == UInt8(ascii: "0") {
                _ = take(bytes[at])
                if at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39 { return false }
            } else if digits() == 0 {
                return false
            }
            if take(UInt8(ascii: ".")), digits() == 0 { return false }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                _ = take(bytes[at])
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { _ = take(bytes[at]) }
                if digits() == 0 { return false }
            }
            return true
        }

        package static func isHex(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) || (0x61...0x66).contains(c) || (0x41...0x46).contains(c) }

        /// The end (exclusive) of the minified value or string starting at `i`.
        package static func end(of text: [UInt8], at start: Int) -> Int {
            var i = start
            var depth = 0
            var inString = false
            while i < text.count {
                let c = text[i]
                if inString {
                    if c == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if c == UInt8(ascii: "\"") {
                        inString = false
                        if depth == 0 { return i + 1 }
                    }
                } else {
                    switch c {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        if depth == 0 { return i }
                        depth -= 1
                        if depth == 0 { return i + 1 }
                    case UInt8(ascii: ","), UInt8(ascii: ":"): if depth == 0 { return i }
                    default: break
                    }
                }
                i += 1
            }
            return i
        }
    }
}

extension String {
    package func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
