/// One value crossing between backends.
package enum CopyValue {
    case null, integer(Int64), text(String), bytes([UInt8])
    package var text: String? { if case .text(let s) = self { s } else { nil } }
}

