/// The representation asked for with `Accept`.
public enum BodyFormat: String, Sendable, CaseIterable {
    case json, xml

    public var mediaType: String { self == .json ? "application/json" : "application/xml" }
}
