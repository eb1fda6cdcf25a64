// Delimited text (CSV, TSV) into a table: the columns' types are guessed from the file's first
// rows and the columns built in one pass, which also checks every field against the guess; a
// wrong guess is mended by a second pass on the types the whole file gives. The file is read in
// chunks, never held whole.
import BylineCore
import BylineStorage
import Foundation

/// What values a column has held so far, for choosing its type.
package struct TypeEvidence {
    package var integers = false
    /// Every integer seen fits in 32 bits, so the column can be stored at half the size.
    package var integersFit32 = true
    package var floats = false
    package var bools = false
    package var dates = false
    package var timestamps = false
    package var strings = false
    /// Every integer seen is exact as a float (|n| <= 2^53), so a column mixing integers and floats
    /// can be a float column without rounding any of them.
    package var integersExactAsFloats = true

    /// What this and `other` saw, together.
    package mutating func merge(_ other: TypeEvidence) {
        integers = integers || other.integers
        integersFit32 = integersFit32 && other.integersFit32
        floats = floats || other.floats
        bools = bools || other.bools
        dates = dates || other.dates
        timestamps = timestamps || other.timestamps
        strings = strings || other.strings
        integersExactAsFloats = integersExactAsFloats && other.integersExactAsFloats
    }

    /// The narrowest type that holds every value seen: mixing kinds widens, to float or to string.
    package var type: DataType {
        if strings { return .string }
        // Integers too large to be exact as floats, mixed with floats: kept as text, never rounded.
        if integers && floats && !integersExactAsFloats { return .string }
        let kinds = [integers || floats, bools, dates, timestamps].filter { $0 }.count
        if kinds > 1 { return .string }
        if dates { return .date }
        if timestamps { return .timestamp }
        if bools { return .bool }
        if floats { return .float }
        if integers { return .integer }
        return .string  // only nulls
    }
}

/// Loads delimited text: one pass on types guessed from the first rows and checked on every
/// field, or two (the first infers each column's type, the second builds the typed columns).
package struct DelimitedLoader {
    package let path: String
    package let name: String
    package let delimiter: UInt8
    package let cancellation: CancellationFlag?
    package var progress: ((Double) -> Void)?
    /// The data itself, when it does not come from a file (`path` then only names it in errors).
    package var contents: [UInt8]? = nil

    /// How much of the file is read at a time: memory holds one chunk, not the whole text.
    package static let chunkSize = 1 << 22
    /// This loader's chunk size (tests make it small to cross many chunks).
    package var chunkSize = DelimitedLoader.chunkSize
    /// How many threads parse a chunk's records at once.
    package var threads = QueryLimits.processorCount
    /// The most bytes read (a memory limit); larger files are refused.
    package var maximumBytes = TableLoader.maximumFileSize

    /// What a raw field looks like.
    package enum Kind { case null, integer, float, bool, date, timestamp, string }

    /// Reads the file chunk by chunk. The first record goes to `header`; the rest of each chunk
    /// is cut at line feeds into one piece per thread, and each piece's records go to `record`
    /// with that piece's own state (`makePart`; `first` for a chunk's first piece, made by its
    /// thread once every earlier part is merged), all pieces at once; the parts reach `merge` one
    /// at a time, in file order (a chunk's later parts on the next chunk's first piece's thread).
    ///
    /// What one thread would do is decided first: every piece is checked for NUL bytes and bad
    /// UTF-8 before any is parsed (the first fault in file order wins, as for a whole chunk), and
    /// a piece counts only when the piece before it ended exactly at its cut, so a cut that fell
    /// inside a quoted field is found and the rest of the chunk is read again in one piece.
    private func forEachRecord<Part>(
        header: (UnsafeBufferPointer<UInt8>, [CSVReader.FieldSlice], Int) throws(LoadError) -> Void,
        makePart: (_ first: Bool) -> Part,
        record: (inout Part, UnsafeBufferPointer<UInt8>, [CSVReader.FieldSlice], Int) throws(LoadError) -> Void,
        merge: (Part) -> Void,
        fraction: (Double) -> Void
    ) throws(LoadError) {
        var remaining = contents
        let handle = contents == nil ? FileHandle(forReadingAtPath: path) : nil
        if contents == nil && handle == nil {
            throw LoadError.permissionDenied(path)
        }
        defer { try? handle?.close() }
        let size = contents?.count ?? (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > min(TableLoader.maximumFileSize, maximumBytes) {
            throw TableLoader.sizeError(path, maximumBytes: maximumBytes)
        }
        var carry: [UInt8] = []
        var line = 1
        var done = 0
        var first = true
        var needsHeader = true
        var sawText = false
        /// Old Mac files end lines with CR alone; they are read as if each CR were a line feed.
        var carriageReturnsEndLines = false
        /// Grows while a record is longer than what was read, so a huge field is read in a few
        /// passes, not re-parsed once per megabyte.
        var readSize = chunkSize
        /// The share of a chunk the first piece takes: it appends to the table's own columns and
        /// their strings (the others to their own, merged later), which can take longer a byte,
        /// so the shares follow how long each piece of the last chunk took a byte.
        var firstShare = 1.0 / Double(max(1, threads))
        /// The last chunk's parts after its first, merged by the next chunk's first piece before
        /// it parses, while the other threads parse theirs (merging appends to the table's own
        /// columns, which that piece takes next): a merge, its strings looked up and its rows
        /// copied to pages touched for the first time, is no longer a wait on one core.
        var unmerged: [Part] = []
        while true {
            var chunk: Data
            do {
                if let bytes = remaining {
                    chunk = Data(bytes)
                    remaining = []
                } else {
                    chunk = try handle?.read(upToCount: readSize) ?? Data()
                }
            } catch {
                throw LoadError.unreadable(path, line: line, reason: TableLoader.describe(error))
            }
            if done + chunk.count > min(TableLoader.maximumFileSize, maximumBytes) {
                // Also what stops a device that never ends, such as /dev/zero.
                throw TableLoader.sizeError(path, maximumBytes: maximumBytes)
            }
            if first, !chunk.contains(10), chunk.contains(13) { carriageReturnsEndLines = true }
            if carriageReturnsEndLines {
                for index in chunk.indices where chunk[index] == 13 { chunk[index] = 10 }
            }
            let isFinal = chunk.isEmpty
            var buffer = carry
            buffer.append(contentsOf: chunk)
            let skipByteOrderMark = first
            let position = try buffer.withUnsafeBufferPointer { (bytes) throws(LoadError) -> (consumed: Int, line: Int) in
                if !sawText { sawText = bytes.contains { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 } }
                // Check everything read but a character cut off at the end of the chunk (checked
                // again with the next chunk), so a NUL or bad byte is found however long the line.
                let checked = isFinal ? bytes.count : TableLoader.completePrefix(bytes)
                let cuts = Self.cuts(bytes, upTo: checked, pieces: threads, firstShare: firstShare)
                let lineFeeds = try validate(bytes, cuts: cuts, checked: checked, startLine: line)
                var start = 0
                var startLine = line
                if needsHeader {
                    let reader = CSVReader(bytes: bytes, delimiter: delimiter)
                    var found = false
                    (start, startLine) = try reader.forEachRecord(
                        file: path, startLine: line, isFinal: isFinal, skipByteOrderMark: skipByteOrderMark
                    ) { (fields, recordLine) throws(LoadError) -> Bool in
                        try header(bytes, fields, recordLine)
                        found = true
                        return false
                    }
                    guard found else { return (start, startLine) }  // no whole record yet
                    needsHeader = false
                }
                // Pieces from `start`: the cuts past it, the last piece running to the end.
                var pieces: [(range: Range<Int>, line: Int)] = []
                var pieceLine = line
                for (index, cut) in cuts.enumerated() {
                    let end = index + 1 < cuts.count ? cuts[index + 1] : bytes.count
                    if end > start {
                        pieces.append((max(cut, start)..<end, cut >= start ? pieceLine : startLine))
                    }
                    pieceLine += lineFeeds[index]
                }
                if pieces.isEmpty { pieces = [(start..<bytes.count, startLine)] }
                // Each part is handed over in a box and taken out of it, so the one being filled
                // is its only reference (a second would copy the table's columns on the next append).
                // The first piece's is made by its thread once the last chunk's parts are merged.
                let parts = pieces.indices.map { $0 == 0 ? nil : Handover(makePart(false)) }
                let toMerge = Handover(unmerged)
                unmerged = []
                func parse(_ piece: (range: Range<Int>, line: Int), _ handover: Handover<Part>) -> Result<(Part, consumed: Int, line: Int), LoadError> {
                    guard var part = handover.take() else { return .failure(.cancelled(path, line: piece.line)) }
                    let slice = UnsafeBufferPointer(rebasing: bytes[piece.range])
                    let reader = CSVReader(bytes: slice, delimiter: delimiter)
                    var records = 0
                    do throws(LoadError) {
                        let (consumed, line) = try reader.forEachRecord(
                            file: path, startLine: piece.line, isFinal: isFinal && piece.range.upperBound == bytes.count,
                            skipByteOrderMark: false
                        ) { (fields, recordLine) throws(LoadError) -> Bool in
                            try record(&part, slice, fields, recordLine)
                            records &+= 1
                            if records & 0x3FFF == 0, cancellation?.isCancelled ?? false {
                                throw LoadError.cancelled(path, line: recordLine)
                            }
                            return true
                        }
                        return .success((part, piece.range.lowerBound + consumed, line))
                    } catch {
                        return .failure(error)
                    }
                }
                let timed = Parallel.run(pieces.count, workers: threads) { index in
                    let started = DispatchTime.now().uptimeNanoseconds
                    let part: Handover<Part>
                    if let made = parts[index] {
                        part = made
                    } else {
                        for earlier in toMerge.take() ?? [] { merge(earlier) }
                        part = Handover(makePart(true))
                    }
                    let outcome = Handover(parse(pieces[index], part))
                    return (outcome, DispatchTime.now().uptimeNanoseconds &- started)
                }
                let outcomes = timed.map(\.0)
                if pieces.count > 1 {
                    firstShare = Self.firstShare(
                        after: timed.map { Double($0.1) }, bytes: pieces.map { Double($0.range.count) }, was: firstShare)
                }
                var reached = (consumed: start, line: startLine)
                for (index, handover) in outcomes.enumerated() {
                    guard let outcome = handover.take() else { break }
                    let (part, consumed, line) = try outcome.get()
                    if consumed == pieces[index].range.upperBound || index == pieces.count - 1 {
                        if index == 0 { merge(part) } else { unmerged.append(part) }
                        reached = (consumed, line)
                        continue
                    }
                    // The cut fell inside a record (a quoted line break): the piece ended early,
                    // its records whole. The rest of the chunk from there, in one piece.
                    for earlier in unmerged { merge(earlier) }
                    unmerged = []
                    merge(part)
                    let rest = parse((consumed..<bytes.count, line), Handover(makePart(false)))
                    let (restPart, restConsumed, restLine) = try rest.get()
                    merge(restPart)
                    reached = (restConsumed, restLine)
                    break
                }
                return reached
            }
            first = false
            done += chunk.count
            line = position.line
            carry = Array(buffer[position.consumed...])
            readSize = position.consumed == 0 ? min(readSize * 2, 1 << 30) : chunkSize
            if cancellation?.isCancelled ?? false { throw LoadError.cancelled(path, line: line) }
            fraction(Double(done) / Double(max(1, size)))
            if isFinal { break }
        }
        // (The last read, empty, has its first piece merge what the chunk before left; a part
        // still here would be the last read's own, were it ever cut into pieces.)
        for part in unmerged { merge(part) }
        if !sawText {
            throw LoadError.empty(path)
        }
    }

    /// Where to cut `bytes[..<end]` into about `pieces` pieces: 0, then just after a line feed
    /// near the end of the first piece's share (an even one unless given), then of each even
    /// share of the rest.
    package static func cuts(_ bytes: UnsafeBufferPointer<UInt8>, upTo end: Int, pieces: Int, firstShare: Double? = nil) -> [Int] {
        var cuts = [0]
        guard pieces > 1, end >= 1 << 16 else { return cuts }
        let share = min(0.9, max(0.1 / Double(pieces), firstShare ?? 1.0 / Double(pieces)))
        let first = Int(Double(end) * share)
        for piece in 1..<pieces {
            var index = max(cuts[cuts.count - 1], first + (end - first) / (pieces - 1) * (piece - 1))
            while index < end, bytes[index] != 10 { index += 1 }
            if index + 1 < end { cuts.append(index + 1) }
        }
        return cuts
    }

    /// The first piece's share for the next chunk: the one that would have made the first
    /// piece take as long as the others took on average, at the speeds (nanoseconds a byte) the
    /// pieces of this chunk showed, halfway from the share it `was` (one slow chunk moves it
    /// only so far).
    package static func firstShare(after nanoseconds: [Double], bytes: [Double], was share: Double) -> Double {
        guard nanoseconds.count > 1, nanoseconds.count == bytes.count, bytes[0] > 0, nanoseconds[0] > 0 else { return share }
        let otherBytes = bytes.dropFirst().reduce(0, +)
        let otherTime = nanoseconds.dropFirst().reduce(0, +)
        guard otherBytes > 0, otherTime > 0 else { return share }
        let slower = (nanoseconds[0] / bytes[0]) / (otherTime / otherBytes)
        let balanced = 1 / (1 + Double(bytes.count - 1) * slower)
        return (share + balanced) / 2
    }

    /// Checks the bytes from each cut to the next (the last to `checked`, given by the cuts'
    /// caller as where whole characters end) on every thread; the first fault in file order is
    /// thrown with its line. Returns each piece's line feeds.
    private func validate(_ bytes: UnsafeBufferPointer<UInt8>, cuts: [Int], checked: Int, startLine: Int) throws(LoadError) -> [Int] {
        let outcomes = Parallel.run(cuts.count, workers: threads) { index -> Result<Int, LoadError> in
            let end = index + 1 < cuts.count ? cuts[index + 1] : checked
            do throws(LoadError) {
                return .success(try TableLoader.validate(UnsafeBufferPointer(rebasing: bytes[cuts[index]..<end]), file: path, startLine: 1))
            } catch {
                return .failure(error)
            }
        }
        var lineFeeds: [Int] = []
        var line = startLine
        for outcome in outcomes {
            switch outcome {
            case .success(let count):
                lineFeeds.append(count)
                line += count
            case .failure(var error):
                // Counted from 1 in its piece: from the piece's first line in the file.
                error.line = error.line.map { $0 - 1 + line }
                throw error
            }
        }
        return lineFeeds
    }

    /// Pass 1's findings in one piece of the file.
    private struct Survey {
        let columns: Int
        var evidence: [TypeEvidence]
        var rows = 0
    }

    /// Pass 2's columns for one piece of the file.
    private struct Columns {
        var builders: [ColumnBuilder]
        /// These are the table's columns themselves, not a piece's to append to them.
        var isTables = false
        var rows = 0
        /// In a pass on guessed types: what this piece's fields showed, and whether one did not
        /// fit its column's guessed type (the piece then builds nothing more).
        var evidence: [TypeEvidence] = []
        var misfit = false
    }

    /// What pass 1 finds: the header, each column's evidence and the rows.
    private struct Findings {
        var header: [String] = []
        var headerLine = 1
        var evidence: [TypeEvidence] = []
        var rows = 0
    }

    /// A column's type, and whether its integers are kept in 32 bits.
    private struct ColumnType: Equatable {
        let type: DataType
        let narrow: Bool
        /// The type as the kind of field it holds, with `narrow`: what each field is checked
        /// against, a plain value (a `DataType` is reference-counted, copied at every read).
        let shape: Shape

        init(_ evidence: TypeEvidence) {
            type = evidence.type
            narrow = type == .integer && evidence.integersFit32
            let kind: Kind
            switch type {
            case .integer: kind = .integer
            case .float: kind = .float
            case .string: kind = .string
            case .bool: kind = .bool
            case .date: kind = .date
            case .timestamp: kind = .timestamp
            default: kind = .null  // never guessed: holds only nulls
            }
            shape = Shape(kind: kind, narrow: narrow)
        }
    }

    /// A column type as the kind of field it holds.
    private struct Shape: Equatable {
        let kind: Kind
        let narrow: Bool

        /// Whether a field of this kind is read under this type as pass 2 reads it once every
        /// field's kind is known: else the guess was wrong.
        @inline(__always)
        func holds(_ field: Kind, integer: Int?) -> Bool {
            switch (kind, field) {
            case (_, .null), (.string, _): return true
            case (.integer, .integer): return !narrow || integer.map { Int32(exactly: $0) != nil } ?? false
            case (.float, .float): return true
            case (.float, .integer): return integer.map { $0.magnitude <= 9_007_199_254_740_992 } ?? false
            case (.bool, .bool), (.date, .date), (.timestamp, .timestamp): return true
            default: return false
            }
        }
    }

    /// The most bytes surveyed to guess the columns' types before the one pass that builds them.
    package static let sampleSize = 1 << 22
    /// This loader's sample (tests make it small, so that a file's later rows overturn a guess).
    package var sampleSize = DelimitedLoader.sampleSize

    package func load() throws(LoadError) -> LoadedTable {
        // One pass when the file's first rows foretell every column's type: they are surveyed
        // (pass 1 on a sample), the whole file is built on those types while every field's kind
        // is still noted, and the types the whole file gives are compared with the guess. Where
        // they differ (a column null at first, text after numbers, an integer past 32 bits), the
        // evidence of the whole file is known by then and the columns are built again (pass 2),
        // as two passes would have built them.
        if let sample = try sample() {
            let guessed = sample.evidence.map(ColumnType.init)
            let built = try build(sample.header.count, types: guessed, rows: sample.rows, guessing: true, fraction: { progress?($0) })
            if !built.misfit, built.evidence.map(ColumnType.init) == guessed {
                progress?(1)
                return finish(sample.header, headerLine: sample.headerLine, types: guessed, built.builders, rows: built.rows)
            }
            // (Progress has been shown whole already; the second pass adds none.)
            let types = built.evidence.map(ColumnType.init)
            let again = try build(sample.header.count, types: types, rows: built.rows, guessing: false, fraction: { _ in })
            return finish(sample.header, headerLine: sample.headerLine, types: types, again.builders, rows: again.rows)
        }
        let findings = try survey(fraction: { progress?(0.5 * $0) })
        let types = findings.evidence.map(ColumnType.init)
        let built = try build(findings.header.count, types: types, rows: findings.rows, guessing: false, fraction: { progress?(0.5 + 0.5 * $0) })
        progress?(1)
        return finish(findings.header, headerLine: findings.headerLine, types: types, built.builders, rows: built.rows)
    }

    /// Pass 1 over the file's first `sampleSize` bytes (up to a line feed), when the file is
    /// larger: nil for a smaller file or one whose sample does not read as whole records (a
    /// quoted line break across the cut, no line feed), which are read in two passes.
    private func sample() throws(LoadError) -> Findings? {
        let size: Int
        var head: [UInt8]
        if let contents {
            size = contents.count
            guard size > sampleSize else { return nil }
            head = Array(contents[..<sampleSize])
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw LoadError.permissionDenied(path) }
            defer { try? handle.close() }
            size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            guard size > sampleSize, let read = try? handle.read(upToCount: sampleSize), read.count == sampleSize else {
                return nil
            }
            head = Array(read)
        }
        guard let lastLineFeed = head.lastIndex(of: 10) else { return nil }
        head.removeSubrange((lastLineFeed + 1)...)
        var sampler = self
        sampler.contents = head
        sampler.progress = nil
        guard var findings = try? sampler.survey(fraction: { _ in }), !findings.header.isEmpty, findings.rows > 0 else { return nil }
        // The rows the whole file holds, about: room reserved for them once, a little over.
        findings.rows = Int((Double(findings.rows) * Double(size) / Double(head.count) * 1.02).rounded(.up))
        return findings
    }

    /// Pass 1: the header, field counts and the kinds of values in each column.
    private func survey(fraction: @escaping (Double) -> Void) throws(LoadError) -> Findings {
        var findings = Findings()
        try forEachRecord(
            header: { (bytes, fields, line) throws(LoadError) in
                try readHeader(bytes, fields, line, into: &findings)
            },
            makePart: { _ in Survey(columns: findings.header.count, evidence: Array(repeating: TypeEvidence(), count: findings.header.count)) },
            record: { (survey, bytes, fields, line) throws(LoadError) in
                guard fields.count == survey.columns else {
                    throw LoadError.rowWidth(path, line: line, fields: fields.count, header: survey.columns)
                }
                for (column, field) in fields.enumerated() {
                    _ = Self.note(field, in: bytes, into: &survey.evidence[column])
                }
                survey.rows += 1
            },
            merge: { survey in
                for column in findings.evidence.indices { findings.evidence[column].merge(survey.evidence[column]) }
                findings.rows += survey.rows
            },
            fraction: fraction)
        return findings
    }

    private func readHeader(
        _ bytes: UnsafeBufferPointer<UInt8>, _ fields: [CSVReader.FieldSlice], _ line: Int, into findings: inout Findings
    ) throws(LoadError) {
        if fields.count > Limits.maximumFields {
            throw LoadError.tooManyColumns(path, line: line, columns: fields.count, maximum: Limits.maximumFields)
        }
        let reader = CSVReader(bytes: bytes, delimiter: delimiter)
        findings.header = fields.map(reader.text)
        findings.headerLine = line
        findings.evidence = Array(repeating: TypeEvidence(), count: fields.count)
    }

    /// What an integer adds to its column's evidence.
    @inline(__always)
    private static func noteInteger(_ value: Int, into evidence: inout TypeEvidence) {
        evidence.integers = true
        if Int32(exactly: value) == nil { evidence.integersFit32 = false }
        if value.magnitude > 9_007_199_254_740_992 { evidence.integersExactAsFloats = false }
    }

    /// The value of an unquoted, non-empty field that `classify` finds an integer, else nil.
    @inline(__always)
    package static func plainInteger(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        guard isInteger(bytes, start, end), !hasLeadingZero(bytes, start, end) else { return nil }
        return parseInteger(bytes, start, end)
    }

    /// The value of an unquoted, non-empty field written as a short decimal with a point and a
    /// digit after it (`-12.5`, `.5`; at most 15 digits, no exponent), which `classify` finds a
    /// float; nil for any other (read the long way).
    @inline(__always)
    package static func plainDecimal(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var point = start
        while point < end, bytes[point] != UInt8(ascii: ".") { point += 1 }
        guard point + 1 < end, !hasLeadingZero(bytes, start, end) else { return nil }
        return parseShortDecimal(bytes, start, end)
    }

    /// Notes a field's kind in its column's evidence; returns the kind and, for an integer, its value.
    @inline(__always)
    private static func note(_ field: CSVReader.FieldSlice, in bytes: UnsafeBufferPointer<UInt8>, into evidence: inout TypeEvidence) -> (Kind, Int?) {
        let kind = Self.classify(field, in: bytes)
        switch kind {
        case .null: break
        case .integer:
            evidence.integers = true
            if let value = Self.parseInteger(bytes, field.start, field.end) {
                noteInteger(value, into: &evidence)
                return (kind, value)
            }
        case .float: evidence.floats = true
        case .bool: evidence.bools = true
        case .date: evidence.dates = true
        case .timestamp: evidence.timestamps = true
        case .string: evidence.strings = true
        }
        return (kind, nil)
    }

    /// Pass 2: typed columns, each sized for `rows` (a piece's own columns, appended in file
    /// order: strings keep the codes one pass would give them). `guessing`: the types are a
    /// guess, so every field's kind is noted too, and a field the guess does not hold stops
    /// that piece's building (`misfit`); the evidence is then the whole file's.
    private func build(
        _ columns: Int, types: [ColumnType], rows: Int, guessing: Bool, fraction: @escaping (Double) -> Void
    ) throws(LoadError) -> (builders: [ColumnBuilder], rows: Int, evidence: [TypeEvidence], misfit: Bool) {
        var builders = types.map { ColumnBuilder(type: $0.type, capacity: rows, narrowIntegers: $0.narrow) }
        var built = 0
        var evidence = [TypeEvidence](repeating: TypeEvidence(), count: columns)
        var misfit = false
        let shapes = types.map(\.shape)
        try forEachRecord(
            header: { _, _, _ in },
            makePart: { first in
                // A chunk's first piece appends to the table's own columns (moved out and back,
                // so they are never copied); the others to their own, appended when merged.
                let blank = guessing ? [TypeEvidence](repeating: TypeEvidence(), count: columns) : []
                if first {
                    defer { builders = [] }
                    return Columns(builders: builders, isTables: true, evidence: blank)
                }
                return Columns(builders: types.map { ColumnBuilder(type: $0.type, narrowIntegers: $0.narrow, piece: true) }, evidence: blank)
            },
            record: { (part, bytes, fields, line) throws(LoadError) in
                guard fields.count == columns else {
                    throw LoadError.rowWidth(path, line: line, fields: fields.count, header: columns)
                }
                if guessing && part.misfit {
                    // Nothing more is built: only the evidence counts now.
                    for (column, field) in fields.enumerated() { _ = Self.note(field, in: bytes, into: &part.evidence[column]) }
                    return
                }
                let reader = CSVReader(bytes: bytes, delimiter: delimiter)
                for (column, field) in fields.enumerated() {
                    let shape = shapes[column]
                    // A field of its column's own kind, read once for both its kind and its value
                    // (what `note` would find, and what the switch below would append).
                    if !field.quoted, field.start < field.end {
                        if shape.kind == .integer, let value = Self.plainInteger(bytes, field.start, field.end) {
                            if guessing {
                                Self.noteInteger(value, into: &part.evidence[column])
                                if !shape.holds(.integer, integer: value) { part.misfit = true }
                            }
                            if !part.misfit { part.builders[column].appendInteger(value) }
                            continue
                        }
                        if shape.kind == .float, let value = Self.plainDecimal(bytes, field.start, field.end) {
                            if guessing { part.evidence[column].floats = true }
                            if !part.misfit { part.builders[column].appendFloat(value) }
                            continue
                        }
                    }
                    // Once a column's evidence holds a string its type is string whatever follows.
                    if guessing && !(shape.kind == .string && part.evidence[column].strings) {
                        let (kind, integer) = Self.note(field, in: bytes, into: &part.evidence[column])
                        if !shape.holds(kind, integer: integer) { part.misfit = true }
                    }
                    // A misfit's record is noted to its end, and nothing more built (its columns,
                    // ragged now, are let go when the part is merged).
                    if part.misfit { continue }
                    // The common kinds straight from the bytes, without a boxed value.
                    switch shape.kind {
                    case .string where !field.hasEscapedQuotes && (field.quoted || field.start < field.end):
                        part.builders[column].appendString(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]))
                    case .integer where !field.quoted:
                        part.builders[column].appendInteger(
                            field.start == field.end ? nil : Self.parseInteger(bytes, field.start, field.end))
                    case .float where !field.quoted && field.start < field.end && Self.isInteger(bytes, field.start, field.end):
                        part.builders[column].appendFloat(Self.parseInteger(bytes, field.start, field.end).map(Double.init))
                    case .float where !field.quoted && field.start < field.end:
                        if let number = Self.parseShortDecimal(bytes, field.start, field.end) {
                            part.builders[column].appendFloat(number)
                        } else {
                            part.builders[column].append(Self.value(field, as: .float, reader: reader))
                        }
                    default:
                        part.builders[column].append(Self.value(field, as: types[column].type, reader: reader))
                    }
                }
                if !part.misfit { part.rows += 1 }
            },
            merge: { part in
                if guessing {
                    for column in evidence.indices { evidence[column].merge(part.evidence[column]) }
                    misfit = misfit || part.misfit
                }
                if misfit {
                    // Nothing built is kept (the guess was wrong): only the evidence counts now.
                    builders = types.map { ColumnBuilder(type: $0.type, narrowIntegers: $0.narrow) }
                } else if part.isTables {
                    builders = part.builders
                } else {
                    for column in builders.indices { builders[column].append(contentsOf: part.builders[column]) }
                }
                built += part.rows
            },
            fraction: fraction)
        return (builders, built, evidence, misfit)
    }

    private func finish(_ header: [String], headerLine: Int, types: [ColumnType], _ builders: [ColumnBuilder], rows: Int) -> LoadedTable {
        let (names, warnings) = TableLoader.uniqueNames(header, file: path, line: headerLine)
        let schema = TableSchema(
            name: name, fields: zip(names, types).map { Field(name: $0, type: $1.type) }, summary: "loaded from \(path)")
        return LoadedTable(
            table: Table(schema: schema, columns: builders.map { $0.build() }, rowCount: rows), warnings: warnings)
    }

    /// The kind of a raw field. A quoted field is text (a ZIP code written "02134" stays one), and
    /// so is a number that would not come back as written: digits with a leading zero, an integer
    /// wider than 64 bits, a float beyond the largest double. Nothing is rounded or widened silently.
    package static func classify(_ field: CSVReader.FieldSlice, in bytes: UnsafeBufferPointer<UInt8>) -> Kind {
        let start = field.start
        let end = field.end
        if field.quoted { return .string }
        if start == end { return .null }
        if Self.isInteger(bytes, start, end) {
            if Self.hasLeadingZero(bytes, start, end) { return .string }
            return Self.parseInteger(bytes, start, end) == nil ? .string : .integer
        }
        if Self.isFloat(bytes, start, end) {
            if Self.hasLeadingZero(bytes, start, end) { return .string }
            // Only a long number or a large exponent can pass the largest double: check those.
            if end - start > 20 || bytes[start..<end].contains(UInt8(ascii: "e")) || bytes[start..<end].contains(UInt8(ascii: "E")) {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                guard let value = Double(text), value.isFinite else { return .string }
            }
            return .float
        }
        let length = end - start
        if length == 4 || length == 5, Self.isBool(bytes, start, end) { return .bool }
        if (length == 7 || length == 10), bytes[start + 4] == UInt8(ascii: "-"),
            PartialDate(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) != nil
        {
            return .date
        }
        // `2009-01-01 00:00` to `2009-01-01T00:00:00.123456+05:30`.
        if length >= 16, length <= 32, bytes[start + 4] == UInt8(ascii: "-"),
            bytes[start + 10] == UInt8(ascii: " ") || bytes[start + 10] == UInt8(ascii: "T"),
            Timestamp(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) != nil
        {
            return .timestamp
        }
        return .string
    }

    /// Whether the bytes spell `true` or `false` in any case (ASCII letters only: no other
    /// letter lowercases to these), without making a string.
    @inline(__always)
    package static func isBool(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        func matches(_ word: StaticString) -> Bool {
            guard end - start == word.utf8CodeUnitCount else { return false }
            for offset in 0..<(end - start) where bytes[start + offset] | 0x20 != word.utf8Start[offset] { return false }
            return true
        }
        return matches("true") || matches("false")
    }

    /// How an unquoted field holding `text` would be read.
    package static func kind(of text: String) -> Kind {
        var copy = text
        return copy.withUTF8 { bytes in
            classify(CSVReader.FieldSlice(start: 0, end: bytes.count, quoted: false, hasEscapedQuotes: false), in: bytes)
        }
    }

    /// A field as a value of its column's type.
    package static func value(_ field: CSVReader.FieldSlice, as type: DataType, reader: CSVReader) -> Value {
        let bytes = reader.bytes
        if field.start == field.end && !field.quoted { return .null }
        switch type {
        case .integer:
            return Self.parseInteger(bytes, field.start, field.end).map(Value.integer) ?? .null
        case .float:
            if Self.isInteger(bytes, field.start, field.end), let integer = Self.parseInteger(bytes, field.start, field.end) {
                return .float(Double(integer))
            }
            return Double(reader.text(field)).map(Value.float) ?? .null
        case .bool:
            return .bool(reader.text(field).lowercased() == "true")
        case .date:
            return PartialDate(reader.text(field)).map(Value.date) ?? .null
        case .timestamp:
            return Timestamp(reader.text(field)).map(Value.timestamp) ?? .null
        default:
            return .string(reader.text(field))
        }
    }

    /// A decimal such as `-12.75` with at most 15 digits, converted exactly as `Double(text)` does:
    /// the digits as an integer (exact below 2^53) divided by a power of ten (exact up to 10^22)
    /// is one correctly rounded division (Clinger's fast path). Nil for anything else.
    package static func parseShortDecimal(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var index = start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative || bytes[index] == UInt8(ascii: "+") { index += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = -1
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
            } else if byte >= 48 && byte <= 57 {
                mantissa = mantissa * 10 + UInt64(byte - 48)
                digits += 1
                if fraction >= 0 { fraction += 1 }
                if digits > 15 { return nil }
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0, fraction != 0 else { return nil }
        let powers: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]
        let value = Double(mantissa) / powers[max(0, fraction)]
        return negative ? -value : value
    }

    /// Digits that start with a 0 followed by another digit ("007", "-01.5"): an identifier, not a number.
    package static func hasLeadingZero(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        return index + 1 < end && bytes[index] == UInt8(ascii: "0") && bytes[index + 1] >= 48 && bytes[index + 1] <= 57
    }

    package static func isInteger(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        guard index < end else { return false }
        while index < end {
            guard bytes[index] >= 48 && bytes[index] <= 57 else { return false }
            index += 1
        }
        return true
    }

    /// Parses an integer without making a String; nil on overflow.
    package static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var index = start
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var value = 0
        while index < end {
            let digit = Int(bytes[index] &- 48)
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = next
            index += 1
        }
        return value
    }

    /// Digits with a point and/or an exponent, optionally signed.
    package static func isFloat(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        var digits = 0
        while index < end, bytes[index] >= 48 && bytes[index] <= 57 { index += 1; digits += 1 }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, bytes[index] >= 48 && bytes[index] <= 57 { index += 1; digits += 1 }
        }
        guard digits > 0 else { return false }
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
            var exponentDigits = 0
            while index < end, bytes[index] >= 48 && bytes[index] <= 57 { index += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return false }
        }
        return index == end
    }

    package init(
        path: String, name: String, delimiter: UInt8, cancellation: CancellationFlag?, progress: ((Double) -> Void)?,
        contents: [UInt8]? = nil, chunkSize: Int = DelimitedLoader.chunkSize, threads: Int = QueryLimits.processorCount
    ) {
        self.chunkSize = chunkSize
        self.threads = threads
        self.path = path
        self.name = name
        self.delimiter = delimiter
        self.cancellation = cancellation
        self.progress = progress
        self.contents = contents
    }
}
