// Spaces at the ends of a typed line, which the shell looks past (the one place for them).

extension String {
    /// The line without spaces and tabs before its first word.
    func trimmingLeadingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" })
    }

    /// The line without spaces at its end.
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
