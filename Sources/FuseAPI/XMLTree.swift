/// A deliberately small XML reader for Fuse's status and error bodies.
///
/// It reads elements, text, CDATA, comments and the XML declaration, and
/// the five predefined entities plus numeric character references. It
/// refuses any DOCTYPE, so entity-expansion attacks cannot start, and it
/// bounds nesting depth. Attributes are skipped: Fuse does not use them.
struct XMLTree {
    final class Element {
        let name: String
        var children: [Element] = []
        var text = ""
        init(name: String) { self.name = name }

        func child(_ name: String) -> Element? { children.first { $0.name == name } }
    }

    static let maxDepth = 64

    let root: Element

    init(bytes: [UInt8]) throws(StatusDecodingError) {
        var p = Parser(bytes: bytes)
        root = try p.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // A UTF-8 byte order mark may precede the declaration.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        }

        func fail(_ reason: String) -> StatusDecodingError {
            StatusDecodingError("not valid XML: \(reason) at byte \(i)", body: bytes)
        }

        mutating func document() throws(StatusDecodingError) -> Element {
            try skipMisc()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "<") else { throw fail("expected a root element") }
            let root = try element(depth: 0)
            try skipMisc()
            guard i == bytes.count else { throw fail("content after the root element") }
            return root
        }

        /// Skips white space, the XML declaration, processing instructions and comments.
        mutating func skipMisc() throws(StatusDecodingError) {
            while true {
                skipSpace()
                if starts("<?") {
                    guard let end = find("?>") else { throw fail("unterminated declaration") }
                    i = end + 2
                } else if starts("<!--") {
                    guard let end = find("-->") else { throw fail("unterminated comment") }
                    i = end + 3
                } else if starts("<!DOCTYPE") || starts("<!doctype") {
                    throw fail("DOCTYPE declarations are refused (no entity expansion)")
                } else {
                    return
                }
            }
        }

        mutating func element(depth: Int) throws(StatusDecodingError) -> Element {
            guard depth < XMLTree.maxDepth else { throw fail("nesting deeper than \(XMLTree.maxDepth)") }
            i += 1  // "<"
            let name = readName()
            guard !name.isEmpty else { throw fail("expected an element name") }
            let element = Element(name: name)
            // Skip attributes up to ">" or "/>", honouring quoted values.
            var quote: UInt8?
            while i < bytes.count {
                let c = bytes[i]
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    quote = c
                } else if c == UInt8(ascii: ">") {
                    break
                }
                i += 1
            }
            guard i < bytes.count else { throw fail("unterminated start tag <\(name)>") }
            if bytes[i - 1] == UInt8(ascii: "/") {
                i += 1
                return element
            }
            i += 1
            var text: [UInt8] = []
            while true {
                guard i < bytes.count else { throw fail("<\(name)> is not closed") }
                if bytes[i] != UInt8(ascii: "<") {
                    if bytes[i] == UInt8(ascii: "&") {
                        try entity(into: &text)
                    } else {
                        text.append(bytes[i])
                        i += 1
                    }
                } else if starts("</") {
                    i += 2
                    let closing = readName()
                    skipSpace()
                    guard closing == name, i < bytes.count, bytes[i] == UInt8(ascii: ">") else {
                        throw fail("</\(closing)> does not close <\(name)>")
                    }
                    i += 1
                    element.text = String(decoding: text, as: UTF8.self)
                    return element
                } else if starts("<![CDATA[") {
                    guard let end = find("]]>") else { throw fail("unterminated CDATA") }
                    text.append(contentsOf: bytes[(i + 9)..<end])
                    i = end + 3
                } else if starts("<!--") {
                    guard let end = find("-->") else { throw fail("unterminated comment") }
                    i = end + 3
                } else if starts("<!") || starts("<?") {
                    throw fail("unexpected markup inside <\(name)>")
                } else {
                    element.children.append(try self.element(depth: depth + 1))
                }
            }
        }

        mutating func entity(into text: inout [UInt8]) throws(StatusDecodingError) {
            guard let semicolon = bytes[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { throw fail("bad entity reference") }
            let name = String(decoding: bytes[(i + 1)..<semicolon], as: UTF8.self)
            let scalar: Unicode.Scalar?
            switch name {
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "amp": scalar = "&"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if name.hasPrefix("#x") {
                    scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst(1)).flatMap(Unicode.Scalar.init)
                } else {
                    throw fail("unknown entity &\(name); (entities are not expanded)")
                }
            }
            guard let scalar else { throw fail("bad character reference &\(name);") }
            text.append(contentsOf: Array(String(Character(scalar)).utf8))
            i = semicolon + 1
        }

        mutating func readName() -> String {
            let start = i
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: ">") || c == UInt8(ascii: "/") || c == UInt8(ascii: " ") || c == UInt8(ascii: "\t")
                    || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
                {
                    break
                }
                i += 1
            }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        }

        func starts(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            return s.withUTF8Buffer { pattern in
                for k in 0..<n where bytes[i + k] != pattern[k] { return false }
                return true
            }
        }

        func find(_ s: StaticString) -> Int? {
            let n = s.utf8CodeUnitCount
            return s.withUTF8Buffer { pattern -> Int? in
                var k = i
                while k + n <= bytes.count {
                    if bytes[k] == pattern[0] {
                        var match = true
                        for m in 1..<n where bytes[k + m] != pattern[m] {
                            match = false
                            break
                        }
                        if match { return k }
                    }
                    k += 1
                }
                return nil
            }
        }
    }
}
