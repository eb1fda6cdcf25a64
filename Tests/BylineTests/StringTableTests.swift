// A column's string table and a loaded piece's byte strings: every string keeps the code it was
// first given, through every doubling of the slots (whose tags of the hash change width with
// them), against a Swift dictionary; strings that differ in a byte, in length, or only past the
// bytes a tag covers are told apart; and a piece's strings take the table's codes in order.
import Testing
import TestSupport

@testable import Byline

@Suite struct StringTableTests {
    /// Strings close to one another: shared prefixes, lengths 0 to 40, bytes past UTF-8's ASCII.
    static func strings(_ count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(state: seed)
        return (0..<count).map { index in
            switch random.below(4) {
            case 0: return "id\(index)"
            case 1: return String(repeating: "a", count: random.below(41))
            case 2: return "café \(random.below(count)) ü"
            default: return "\(random.below(1_000_000))"
            }
        }
    }

    static func code(_ table: inout StringTable, _ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in table.code(for: bytes) { String(decoding: bytes, as: UTF8.self) } }
    }

    @Test(arguments: [1, 9, 1_000, 70_000])
    func everyStringKeepsItsFirstCode(count: Int) {
        var table = StringTable()
        var pieces = ByteStrings()
        var expected: [String: Int32] = [:]
        var pieceExpected: [String: Int32] = [:]
        let texts = StringTableTests.strings(count, seed: UInt64(count))
        for text in texts + texts.reversed() {
            let code = StringTableTests.code(&table, text)
            let known = expected[text] ?? Int32(expected.count)
            if expected[text] == nil { expected[text] = known }
            #expect(code == known, "\(text)")
            var bytes = text
            let pieceCode = bytes.withUTF8 { pieces.code(for: $0) }
            let pieceKnown = pieceExpected[text] ?? Int32(pieceExpected.count)
            if pieceExpected[text] == nil { pieceExpected[text] = pieceKnown }
            #expect(pieceCode == pieceKnown, "\(text)")
            if code != known || pieceCode != pieceKnown { return }
        }
        #expect(table.strings.count == expected.count)
        #expect(pieces.count == expected.count)
        for (text, code) in expected {
            #expect(table.code(of: text) == code, "\(text)")
            #expect(table.strings[Int(code)] == text)
        }
        #expect(table.code(of: "not there at all") == nil)
        #expect(table.code(of: "") == expected[""])
    }

    @Test func aPiecesStringsTakeTheTablesCodesAndNewOnesInOrder() {
        var table = StringTable()
        for text in ["x", "y", "z"] { _ = StringTableTests.code(&table, text) }
        var piece = ByteStrings()
        let texts = StringTableTests.strings(5_000, seed: 7) + ["y", "x", "w"]
        for text in texts {
            var bytes = text
            _ = bytes.withUTF8 { piece.code(for: $0) }
        }
        var before = table
        let codes = table.codes(of: piece)
        #expect(codes.count == piece.count)
        // The codes are those the strings get appended one by one, first seen first.
        var seen = Set<String>()
        for text in texts where seen.insert(text).inserted {
            let code = StringTableTests.code(&before, text)
            #expect(codes[seen.count - 1] == code, "\(text)")
        }
        #expect(table.strings == before.strings)
        #expect(codes[piece.count - 3] == 1 && codes[piece.count - 2] == 0)
    }
}
