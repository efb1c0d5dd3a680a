/// One answer of an id source to "the next id, please".
public enum IDSupply: Sendable, Equatable {
    case id(String)
    /// None ready now; more may come (ask again shortly).
    case notYet
    /// No more ids.
    case end
}
