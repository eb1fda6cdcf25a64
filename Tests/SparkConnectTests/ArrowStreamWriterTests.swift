// The Arrow writer, read back by the reader (Spark reading it is in SparkConnectClientTests, an
// oracle that shares no code with it).

import Foundation
import Testing

@testable import SparkConnect

@Suite struct ArrowStreamWriterTests {
    static let columns = [
        ArrowColumnToWrite(name: "nothing", values: .null(count: 4)),
        ArrowColumnToWrite(name: "flag", values: .bool([true, nil, false, true])),
        ArrowColumnToWrite(name: "number", values: .integer([Int64.min, nil, 0, Int64.max])),
        ArrowColumnToWrite(name: "ratio", values: .float([0.1, -.infinity, nil, 2.5])),
        ArrowColumnToWrite(name: "name ☃", values: .string(["héllo", "", nil, "日本語 𝄞"])),
        ArrowColumnToWrite(name: "day", values: .date([0, -1, 19782, nil])),
    ]

    @Test func writesWhatTheReaderReadsBack() throws {
        let batches = try ArrowStreamReader.batches(in: try ArrowStreamWriter.stream(Self.columns))
        let batch = try #require(batches.first)
        #expect(batches.count == 1)
        #expect(batch.rowCount == 4)
        #expect(batch.fields.map(\.name) == Self.columns.map(\.name))
        #expect(batch.fields.map(\.type) == [.null, .bool, .int(bitWidth: 64, signed: true), .float(bitWidth: 64), .utf8, .date32])
        #expect(batch.columns == Self.columns.map(\.values))
    }

    @Test func writesColumnsWithoutNullsAndEmptyBatches() throws {
        let full = [ArrowColumnToWrite(name: "n", values: .integer([1, 2, 3]))]
        #expect(try ArrowStreamReader.batches(in: try ArrowStreamWriter.stream(full)).first?.columns == [.integer([1, 2, 3])])
        let empty = [ArrowColumnToWrite(name: "s", values: .string([]))]
        #expect(try ArrowStreamReader.batches(in: try ArrowStreamWriter.stream(empty)).first?.rowCount == 0)
    }

    @Test func refusesColumnsOfDifferentLengths() {
        #expect(throws: ArrowError("the column \"b\" has 1 rows, the first column 2")) {
            _ = try ArrowStreamWriter.stream([
                ArrowColumnToWrite(name: "a", values: .integer([1, 2])), ArrowColumnToWrite(name: "b", values: .integer([1])),
            ])
        }
    }
}
