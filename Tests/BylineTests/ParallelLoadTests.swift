// Loading on every thread: a chunk's records are cut at line feeds into pieces parsed at once.
// Whatever the threads, a file loads to the same table — values, types, string codes in the
// same order — and a faulty file fails with the same error on the same line, including where a
// cut falls inside a quoted field that holds line breaks.
import Testing
import TestSupport

@testable import Byline

@Suite struct ParallelLoadTests {
    /// The table or the error, as text, loaded on `threads` threads; the types guessed from the
    /// first `sample` bytes and built in one pass, or (by default) found in a pass of their own.
    static func load(_ text: [UInt8], threads: Int, sample: Int = .max) -> String {
        var loader = DelimitedLoader(path: "t.csv", name: "t", delimiter: UInt8(ascii: ","), cancellation: nil, progress: nil)
        loader.contents = text
        loader.threads = threads
        loader.sampleSize = sample
        loader.chunkSize = 1 << 18  // several chunks, each cut into pieces (at least 64 KiB each)
        do {
            let table = try loader.load().table
            var lines = ["\(table.schema.fields.map { "\($0.name) \($0.type)" })"]
            for column in table.columns {
                if case .strings(let codes, let dictionary) = column.storage {
                    lines.append("codes \(codes.prefix(50)) \(dictionary.strings.prefix(50))")
                }
            }
            for row in 0..<table.rowCount { lines.append("\((0..<table.columns.count).map { table.columns[$0].value(at: row) })") }
            return lines.joined(separator: "\n")
        } catch {
            return "\(error)"
        }
    }

    /// A CSV of `rows` records: numbers, text repeated and unique, quoted fields with commas,
    /// doubled quotes and line breaks (so cuts fall inside records), empty fields.
    static func csv(rows: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(state: seed)
        var text = "id,n,f,s,q,u\n"
        for row in 0..<rows {
            let n = random.below(10) == 0 ? "" : "\(random.below(2_000_000) - 1_000_000)"
            let f = random.below(10) == 0 ? "" : "\(Double(random.below(100_000)) / 64)"
            let s = ["red", "green", "blue", "", "café"][random.below(5)]
            let q: String
            switch random.below(6) {
            case 0: q = "\"line one\nline two\nline three\""
            case 1: q = "\"a, b and \"\"c\"\"\""
            case 2: q = ""
            default: q = "plain \(random.below(50))"
            }
            text += "\(row),\(n),\(f),\(s),\(q),u\(random.below(1_000_000))\n"
        }
        return Array(text.utf8)
    }

    @Test func aFileLoadsTheSameOnAnyNumberOfThreads() {
        for seed: UInt64 in [1, 2] {
            let text = ParallelLoadTests.csv(rows: 12_000, seed: seed)
            #expect(text.count > 2 * (1 << 18))
            let one = ParallelLoadTests.load(text, threads: 1)
            #expect(one.hasPrefix("[\"id integer\""), Comment(rawValue: String(one.prefix(200))))
            for threads in [2, 3, 7] {
                let same = ParallelLoadTests.load(text, threads: threads) == one  // not compared in #expect: no diff of 12,000 rows
                #expect(same, "seed \(seed), \(threads) threads")
                // Types guessed from the first rows (a cut there may fall in a quoted line break).
                for sample in [1 << 12, 100_001] {
                    #expect(ParallelLoadTests.load(text, threads: threads, sample: sample) == one, "seed \(seed), \(threads) threads, sample \(sample)")
                }
            }
        }
    }

    /// Columns whose first rows foretell a type the rest of the file overturns: the table is the
    /// one two passes give (the guess checked at every field, the columns built again), and a
    /// file whose guess holds gives the same table in one pass.
    @Test(arguments: [
        ("12", "13"), ("", "14"), ("15", "5000000000"), ("-7", "2.5"), ("8", "x8"), ("2024-01-02", "2024-13-45"),
        ("true", "1"), ("3", "9007199254740993"), ("1.5", "9007199254740993"), ("", ""), ("2.25", "-3"), ("a", "1"),
        ("2024-01-02 10:00", "2024-01-02"), ("007", "7"), ("1", "\"1\""),
        // A late number its column's kind reads the short way unless it checks for an identifier.
        ("7", "007"), ("1.5", "01.5"), ("-2.5", "-02.25"), ("2.5", "1.2.3"), ("2.5", "1."),
    ])
    func aGuessTheLaterRowsOverturnGivesTheTwoPassTable(first: String, late: String) {
        var text = "id,v,w\n"
        for row in 0..<9_000 {
            // The late value once, far past the sample, and again in the last row.
            let value = row == 6_000 || row == 8_999 ? late : (row % 5 == 0 ? "" : first)
            text += "\(row),\(value),w\(row % 7)\n"
        }
        let bytes = Array(text.utf8)
        let two = ParallelLoadTests.load(bytes, threads: 1)
        #expect(two.hasPrefix("[\"id integer\""), Comment(rawValue: String(two.prefix(200))))
        for threads in [1, 3] {
            for sample in [1 << 10, 1 << 14] {
                let one = ParallelLoadTests.load(bytes, threads: threads, sample: sample)
                if one != two {
                    Issue.record("\(first) then \(late), \(threads) threads, sample \(sample): \(one.prefix(120)) against \(two.prefix(120))")
                }
            }
        }
    }

    @Test func aFaultyFileFailsTheSameWayOnAnyNumberOfThreads() {
        let text = ParallelLoadTests.csv(rows: 12_000, seed: 9)
        // Lines that start records (a quoted field's later lines start with letters).
        let lineStarts = ([0] + text.indices.filter { text[$0] == 10 }.map { $0 + 1 }).filter {
            $0 < text.count && text[$0] >= UInt8(ascii: "0") && text[$0] <= UInt8(ascii: "9")
        }
        var faults: [(String, [UInt8])] = []
        // A short row late, then a NUL byte later still: one thread reports the row first only
        // when they are in different chunks; either way every thread count must agree.
        var short = text
        let late = lineStarts[lineStarts.count * 3 / 4]
        short.replaceSubrange(late..<(late + 1), with: Array("9,9\n".utf8))
        faults.append(("short row", short))
        var nul = short
        nul[lineStarts[lineStarts.count * 9 / 10] + 2] = 0
        faults.append(("short row then NUL", nul))
        var badUTF8 = text
        badUTF8[lineStarts[lineStarts.count / 3] + 1] = 0xFF
        faults.append(("bad UTF-8", badUTF8))
        var unclosed = text
        unclosed += Array("1,2,3,x,\"never closed\n".utf8)
        faults.append(("unclosed quote", unclosed))
        for (name, bytes) in faults {
            let one = ParallelLoadTests.load(bytes, threads: 1)
            #expect(one.contains("error"), Comment(rawValue: "\(name): \(one.prefix(200))"))
            for threads in [2, 3, 7] {
                let answer = ParallelLoadTests.load(bytes, threads: threads)
                #expect(answer == one, "\(name), \(threads) threads: \(answer.prefix(200))")
                let guessed = ParallelLoadTests.load(bytes, threads: threads, sample: 1 << 12)
                #expect(guessed == one, "\(name), \(threads) threads, types guessed: \(guessed.prefix(200))")
            }
        }
    }

    /// The first piece's share follows its speed: even while the pieces take as long a byte,
    /// smaller when it is slower (halfway to the share that would have balanced them), and the
    /// cuts fall just after a line feed near that share and near even shares of the rest.
    @Test func theFirstPiecesShareFollowsItsSpeed() {
        #expect(DelimitedLoader.firstShare(after: [100, 100], bytes: [50, 50], was: 0.5) == 0.5)
        let slower = DelimitedLoader.firstShare(after: [200, 100], bytes: [50, 50], was: 0.5)
        #expect(abs(slower - (0.5 + 1.0 / 3.0) / 2) < 1e-12, "\(slower)")
        let three = DelimitedLoader.firstShare(after: [60, 100, 100], bytes: [30, 50, 50], was: 1.0 / 3.0)
        #expect(abs(three - (1.0 / 3.0 + 1.0 / 3.0) / 2) < 1e-12, "\(three)")
        #expect(DelimitedLoader.firstShare(after: [0, 100], bytes: [50, 50], was: 0.4) == 0.4)
        let text = Array(String(repeating: "0123456789\n", count: 20_000).utf8)
        text.withUnsafeBufferPointer { bytes in
            let cuts = DelimitedLoader.cuts(bytes, upTo: bytes.count, pieces: 3, firstShare: 0.2)
            #expect(cuts.count == 3 && cuts[0] == 0, "\(cuts)")
            let first = bytes.count / 5
            #expect(cuts[1] > first && cuts[1] <= first + 11 && bytes[cuts[1] - 1] == 10, "\(cuts)")
            let second = first + (bytes.count - first) / 2
            #expect(cuts[2] > second && cuts[2] <= second + 11 && bytes[cuts[2] - 1] == 10, "\(cuts)")
        }
    }

    /// The check of a file's bytes, eight at a time where they are ASCII, counts the line feeds
    /// and finds the first NUL or bad UTF-8 at the line a byte-by-byte reading finds it.
    @Test func bytesAreCheckedAsOneAtATimeWouldCheckThem() {
        var random = SplitMix64(state: 31)
        let pieces: [[UInt8]] = [Array("abc,12\n".utf8), Array("café".utf8), [10], [10, 10], Array("€ and 𝄞".utf8), Array("longer text, no line feed".utf8)]
        for round in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<random.below(60) { bytes += pieces[random.below(pieces.count)] }
            if round % 3 == 1, !bytes.isEmpty { bytes[random.below(bytes.count)] = 0 }
            if round % 3 == 2, !bytes.isEmpty { bytes[random.below(bytes.count)] = 0xFF }
            // Byte by byte: the line of the first fault, or every line feed.
            var line = 1
            var expected = "lines \(bytes.filter { $0 == 10 }.count)"
            var index = 0
            while index < bytes.count {
                if bytes[index] == 0 { expected = "NUL at \(line)"; break }
                if bytes[index] == 10 { line += 1 }
                if bytes[index] >= 0x80 {
                    let length = bytes[index] >= 0xF0 ? 4 : bytes[index] >= 0xE0 ? 3 : bytes[index] >= 0xC2 ? 2 : 0
                    if length == 0 || index + length > bytes.count || String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil {
                        expected = "bad at \(line)"
                        break
                    }
                    index += length
                    continue
                }
                index += 1
            }
            let answer: String
            do {
                answer = "lines \(try bytes.withUnsafeBufferPointer { try TableLoader.validate($0, file: "t.csv") })"
            } catch let error as LoadError {
                answer = error == .nulByte("t.csv", line: error.line ?? 0) ? "NUL at \(error.line ?? 0)"
                    : error == .invalidUTF8("t.csv", line: error.line ?? 0) ? "bad at \(error.line ?? 0)" : "\(error)"
            } catch {
                answer = "\(error)"
            }
            #expect(answer == expected, "round \(round)")
        }
    }

    /// An unquoted CSV field ends where a byte-by-byte reading ends it: at the first delimiter or
    /// line feed, or at the end, wherever those fall in the eight bytes read at a time (first,
    /// last, past a run of other bytes, beside bytes above 0x80 whose borrow could mislead).
    @Test func unquotedFieldsEndWhereOneByteAtATimeEndsThem() {
        var random = SplitMix64(state: 47)
        let alphabet: [UInt8] = [UInt8(ascii: "a"), UInt8(ascii: "0"), UInt8(ascii: ","), UInt8(ascii: ";"), 10, 13, 0x0B, 0x2D, 0x80, 0xFF, 0x2C ^ 0x80, 0x0A | 0x80, 9]
        for round in 0..<3000 {
            let bytes = (0..<random.below(40)).map { _ in random.below(4) == 0 ? alphabet[random.below(alphabet.count)] : UInt8(ascii: "x") }
            let delimiter = round % 2 == 0 ? UInt8(ascii: ",") : UInt8(ascii: ";")
            let start = bytes.isEmpty ? 0 : random.below(bytes.count + 1)
            var expected = start
            while expected < bytes.count, bytes[expected] != delimiter, bytes[expected] != 10 { expected += 1 }
            let found = bytes.withUnsafeBufferPointer { CSVReader(bytes: $0, delimiter: delimiter).fieldEnd(from: start) }
            #expect(found == expected, "round \(round): \(bytes) from \(start)")
        }
    }
}
