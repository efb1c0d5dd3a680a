/// One line of `callhist doctor`: how it stands, and what was found.
public struct ArchiveCheck: Sendable, Equatable {
    public enum Level: String, Sendable { case ok, info, warn, fail }
    public var level: Level
    public var message: String
    public init(_ level: Level, _ message: String) {
        self.level = level
        self.message = message
    }
}
