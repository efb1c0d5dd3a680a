/// Quoting for the files `callhist schedule` writes for bash and cron
/// (docs/cron.md): a word bash reads back as exactly this string.
enum ShellWord {
    /// Bare when it holds only characters bash never splits or expands,
    /// else in single quotes (a `'` inside becomes `'\''`).
    static func quote(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@+,")
        if !word.isEmpty && word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
