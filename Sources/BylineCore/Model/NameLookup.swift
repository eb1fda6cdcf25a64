// Finding a name whatever its case: the exact name first, otherwise the one name that differs
// only in case. Several such (`Foo`, `FOO`) are ambiguous and none is chosen, so an answer never
// depends on the order of a dictionary.

extension Dictionary where Key == String {
    /// The value of `name`, or of the only key equal to it ignoring case; nil when there is none
    /// or more than one.
    package func value(forNameIgnoringCase name: String) -> Value? {
        if let exact = self[name] { return exact }
        let lowered = name.lowercased()
        var found: Value?
        for (key, value) in self where key.lowercased() == lowered {
            if found != nil { return nil }
            found = value
        }
        return found
    }

    /// The key `name` is found under by `value(forNameIgnoringCase:)`.
    package func key(forNameIgnoringCase name: String) -> String? {
        if self[name] != nil { return name }
        let lowered = name.lowercased()
        let matches = keys.filter { $0.lowercased() == lowered }
        return matches.count == 1 ? matches.first : nil
    }
}
