/// Text from outside (API bodies, files) made safe for a terminal or a
/// spreadsheet (docs/reliability.md, "Safe output").
public enum SafeText {
    /// Control characters (C0, DEL, C1) and the bidirectional overrides
    /// written as `\u001b`: an event name must not drive the terminal
    /// (`ESC ]52;…` writes the clipboard) or reorder what is shown.
    /// JSON and NDJSON output never pass through here: they stay exact.
    public static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            if needsEscape(scalar) {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text for HTML and SVG (`report html`), in element content and
    /// quoted attributes alike: `&`, `<`, `>`, `"` and `'` as entities, so a
    /// call id or event name with `<script>` in it stays text; control
    /// characters escaped as for a terminal.
    public static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for c in escape(s) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Whole output (CSV, JSON, an export) on its way to a terminal: what
    /// `escape` escapes, except the line ends and tabs that lay it out, so
    /// whatever the format, no byte from the data drives the terminal
    /// (`ESC [2J`, OSC 52) or reorders what is shown (U+202E). Output to a
    /// file or a pipe never passes through here: it stays exact.
    public static func terminal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) && $0 != "\n" && $0 != "\t" && $0 != "\r" }) || text.contains(lone: "\r")
        else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        var scalars = text.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            next = scalars.next()
            // A CR ends a CSV line only before its LF; alone it overwrites the line shown.
            let layout = scalar == "\n" || scalar == "\t" || (scalar == "\r" && next == "\n")
            if needsEscape(scalar) && !layout {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A Markdown cell: what a terminal must not see escaped, and `&`, `<`
    /// and `>` as entities, so a renderer shows `<script>` as text.
    public static func markdownCell(_ s: String) -> String {
        let s = escape(s)
        // One pass, and none for plain text: a report lists tens of thousands of cells.
        let special: (UInt8) -> Bool = { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "|") }
        guard s.utf8.contains(where: special) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "|": out += "\\|"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    package static func needsEscape(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// One RFC 4180 CSV field, neutralised against formula injection as
    /// OWASP recommends: a cell starting with `=`, `+`, `-`, `@`, tab or CR
    /// gets a leading `'` (a plain number such as `-5` or `+1617…` is left
    /// alone: a spreadsheet reads it as a number, never as a formula), and
    /// is quoted when it holds a comma, quote, CR or LF.
    public static func csvField(_ s: String) -> String {
        var s = s
        if let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isPlainNumber(s) { s = "'" + s }
        // Bytes, not characters: a comma, quote or line break is one byte
        // whatever surrounds it, and an export writes millions of fields.
        let quoted: (UInt8) -> Bool = { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        guard s.utf8.contains(where: quoted) else { return s }
        var out = "\""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            if scalar == "\"" { out += "\"" }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }

    /// `[+-]digits[.digits]`, nothing else.
    package static func isPlainNumber(_ s: String) -> Bool {
        var u = Substring(s).utf8
        if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { u = u.dropFirst() }
        guard !u.isEmpty else { return false }
        var dot = false
        var digits = 0
        for b in u {
            if b == UInt8(ascii: ".") {
                if dot { return false }
                dot = true
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
                digits += 1
            } else {
                return false
            }
        }
        return digits > 0 && u.last != UInt8(ascii: ".")
    }
}

extension String {
    /// True when `c` stands somewhere not followed by a line feed.
    fileprivate func contains(lone c: Unicode.Scalar) -> Bool {
        var previous: Unicode.Scalar?
        for scalar in unicodeScalars {
            if previous == c && scalar != "\n" { return true }
            previous = scalar
        }
        return previous == c
    }
}
