/// Rows for `COPY … FROM STDIN` in PostgreSQL's text format: tab between
/// columns, `\N` for NULL, backslash escapes for tab, newline, carriage
/// return and backslash. Buffered; sent in 256 KiB pieces.
public struct PostgresCopyWriter {
    unowned let connection: PostgresConnection
    private var buffer: [UInt8] = []
    public private(set) var rows = 0

    init(connection: PostgresConnection) {
        self.connection = connection
        buffer.reserveCapacity(300_000)
    }

    public enum Field {
        case null
        case text(String)
        case integer(Int64)
        /// Raw bytes for a `bytea` column (hex form).
        case bytes([UInt8])
    }

    public mutating func row(_ fields: [Field]) throws {
        for (k, field) in fields.enumerated() {
            if k > 0 { buffer.append(9) }
            switch field {
            case .null: buffer += [92, 78]  // \N
            case .integer(let v): buffer += Array(String(v).utf8)
            case .text(let s): Self.escape(s.utf8, into: &buffer)
            case .bytes(let b):
                // bytea's hex input `\x…`, its backslash escaped for COPY.
                buffer += [92, 92, 120]
                buffer += PostgresBytes.hex(b)
            }
        }
        buffer.append(10)
        rows += 1
        if buffer.count >= 262_144 { try flush() }
    }

    mutating func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        try connection.putCopyData(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    static func escape<S: Sequence>(_ bytes: S, into out: inout [UInt8]) where S.Element == UInt8 {
        for b in bytes {
            switch b {
            case 92: out += [92, 92]
            case 9: out += [92, 116]
            case 10: out += [92, 110]
            case 13: out += [92, 114]
            case 0: out += PostgresText.replacement  // text cannot hold NUL (as for parameters)
            default: out.append(b)
            }
        }
    }
}
