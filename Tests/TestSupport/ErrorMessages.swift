// What a script says when it fails, as the language tests compare it.

import Byline

extension Session {
    /// The messages (and their help) a new session gives for `text`, joined by "; ", or
    /// "no error" when it runs.
    public static func messages(running text: String) -> String {
        do {
            _ = try Session().run(text)
            return "no error"
        } catch {
            return error.diagnostics.map { $0.message + ($0.help.map { " | help: " + $0 } ?? "") }.joined(separator: "; ")
        }
    }
}
