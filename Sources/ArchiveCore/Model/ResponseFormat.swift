import FuseAPI

/// The body format asked of the API (`Accept:`).
public enum ResponseFormat: String, CaseIterable, Sendable {
    case json, xml

    package var bodyFormat: BodyFormat { self == .json ? .json : .xml }
}
