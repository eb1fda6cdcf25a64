// Byline's one rule for comparing text: by Unicode scalars, with no normalisation.
//
// Swift's `String` equality and ordering treat canonically equivalent strings as equal ("é" as
// one scalar or as "e" plus a combining accent; the Kelvin sign and "K" are not, but NFC folds
// others). SQL engines compare the stored scalars, and a table must give back exactly what was
// loaded, so every comparison, hash and dictionary of strings in the engine goes through here.
// UTF-8 byte order is Unicode scalar order, so comparing bytes is comparing scalars.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Scalar-exact comparison and hashing of strings.
package enum ExactText {
    /// -1, 0 or 1 as `a` sorts before, with or after `b` by Unicode scalars.
    package static func compare(_ a: String, _ b: String) -> Int {
        // Native strings are contiguous UTF-8: compare the bytes in place (memcmp).
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Int in
                let common = min(x.count, y.count)
                if common > 0, let p = x.baseAddress, let q = y.baseAddress {
                    let order = memcmp(p, q, common)
                    if order != 0 { return order < 0 ? -1 : 1 }
                }
                return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
            }
        }
        if let fast, let order = fast { return order }
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?) where x != y: return x < y ? -1 : 1
            default: continue
            }
        }
    }

    /// Whether `a` and `b` hold the same scalars.
    package static func equal(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                guard let p = x.baseAddress, let q = y.baseAddress else { return x.isEmpty }
                return memcmp(p, q, x.count) == 0
            }
        }
        if let fast, let same = fast { return same }
        return a.utf8.elementsEqual(b.utf8)
    }

    /// Feeds the string's UTF-8 bytes to a hasher.
    package static func hash(_ text: String, into hasher: inout Hasher) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { buffer in
            hasher.combine(bytes: UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
        hasher.combine(0xFF as UInt8)  // never a UTF-8 byte: ends the string
    }

    /// Whether `haystack` holds ASCII `needle` ignoring the case of ASCII letters; nil when that
    /// takes Unicode case mapping to decide (the needle, or a haystack without an ASCII match, has
    /// a byte past ASCII).
    package static func asciiContainsIgnoringCase(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool? {
        // One pass: a match among ASCII bytes is a match whatever else the text holds (ASCII
        // bytes are whole scalars, and lower-casing maps each scalar on its own); with no match,
        // a byte past ASCII sends the caller to Unicode case mapping (the Kelvin sign is a "k").
        if needle.contains(where: { $0 >= 0x80 }) { return nil }
        guard needle.count <= haystack.count else { return haystack.contains(where: { $0 >= 0x80 }) ? nil : false }
        return lowerASCII.withUnsafeBufferPointer { lower -> Bool? in
            let first = lower[Int(needle[0])]
            // A cheap first test: for a letter, the byte with the 0x20 bit set (which also lets
            // through a few non-letters; the full comparison below turns them away).
            let isLetter = first >= 0x61 && first <= 0x7A
            let fold: UInt8 = isLetter ? 0x20 : 0
            let last = haystack.count - needle.count
            var seen: UInt8 = 0
            var start = 0
            while start <= last {
                let byte = haystack[start]
                seen |= byte
                if byte | fold == first, lower[Int(byte)] == first {
                    var offset = 1
                    while offset < needle.count, lower[Int(haystack[start + offset])] == lower[Int(needle[offset])] { offset += 1 }
                    if offset == needle.count { return true }
                }
                start += 1
            }
            while start < haystack.count {
                seen |= haystack[start]
                start += 1
            }
            return seen >= 0x80 ? nil : false
        }
    }

    /// Each byte with ASCII capitals made small; other bytes as they are.
    private static let lowerASCII: [UInt8] = (0..<256).map { (byte: Int) -> UInt8 in
        let value = UInt8(truncatingIfNeeded: byte)
        return value >= 0x41 && value <= 0x5A ? value | 0x20 : value
    }

    /// Whether `text` holds `part` as a run of scalars (the empty string is in every string).
    package static func contains(_ text: String, _ part: String) -> Bool {
        if part.isEmpty { return true }
        // Native strings are contiguous UTF-8: search them in place, without copying.
        let found = text.utf8.withContiguousStorageIfAvailable { haystack in
            part.utf8.withContiguousStorageIfAvailable { needle in search(haystack, needle) }
        }
        if let found, let result = found { return result }
        return Array(text.utf8).withUnsafeBufferPointer { haystack in
            Array(part.utf8).withUnsafeBufferPointer { needle in search(haystack, needle) }
        }
    }

    /// Whether `needle` occurs in `haystack` (bytes).
    private static func search(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        if needle.isEmpty { return true }
        if needle.count > haystack.count { return false }
        let first = needle[0]
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            if haystack[start] == first {
                var matched = 1
                while matched < needle.count, haystack[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }

    /// Whether `text` begins with the scalars of `prefix`.
    package static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        text.utf8.starts(with: prefix.utf8)
    }

    /// Whether `text` ends with the scalars of `suffix`.
    package static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        text.utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    /// Equal after Unicode lower-casing, scalar by scalar (what `=~` and name matching mean).
    package static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
        equal(a.lowercased(), b.lowercased())
    }
}

/// A string that is equal to, and hashes like, another only when their scalars are the same:
/// the key of string dictionaries (dictionary encoding, entity names).
package struct ExactString: Hashable, Sendable {
    package let text: String

    package init(_ text: String) { self.text = text }

    package static func == (lhs: ExactString, rhs: ExactString) -> Bool { ExactText.equal(lhs.text, rhs.text) }

    package func hash(into hasher: inout Hasher) { ExactText.hash(text, into: &hasher) }
}

extension String {
    /// Case-insensitive substring test; every string contains the empty string. (Foundation's
    /// `contains`, visible once any file imports it, says no for an empty needle.)
    /// Compares scalars after Unicode lower-casing, without normalisation (see `ExactText`).
    package func containsIgnoringCase(_ part: String) -> Bool {
        if part.isEmpty { return true }
        // ASCII text: lower-casing is one bit per letter, so search in place without new strings.
        let ascii = utf8.withContiguousStorageIfAvailable { haystack in
            part.utf8.withContiguousStorageIfAvailable { needle in ExactText.asciiContainsIgnoringCase(haystack, needle) }
        }
        if let ascii, let inner = ascii, let result = inner { return result }
        return ExactText.contains(lowercased(), part.lowercased())
    }
}
