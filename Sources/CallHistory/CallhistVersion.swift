/// The version printed by `--version`, sent in the User-Agent and recorded with every run.
public enum CallhistVersion {
    public static let string = "0.1.0"
}
