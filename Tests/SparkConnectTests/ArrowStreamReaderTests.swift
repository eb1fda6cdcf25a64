// The Arrow IPC reader against streams pyarrow wrote (Fixtures/make-fixtures.py): every type it
// reads, nulls in each, two batches, the pre-0.15 format, an empty stream, and the errors for
// what it does not read or for damaged bytes.

import Foundation
import Testing

@testable import SparkConnect

@Suite struct ArrowStreamReaderTests {
    static func fixture(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "arrows") else {
            throw ArrowError("the fixture \(name).arrows is missing")
        }
        return try Data(contentsOf: url)
    }

    @Test func readsEveryTypeWithNulls() throws {
        let batches = try ArrowStreamReader.batches(in: try Self.fixture("types"))
        #expect(batches.count == 2)
        let first = try #require(batches.first)
        #expect(first.rowCount == 3)
        #expect(first.fields.map(\.name) == ["nothing", "flag", "tiny", "small", "medium", "big", "single", "double", "text", "day", "money", "moment", "local"])
        #expect(first.fields[2].type == .int(bitWidth: 8, signed: true))
        #expect(first.fields[10].type == .decimal128(precision: 12, scale: 2))
        #expect(first.fields[11].type == .timestamp(unit: .microsecond, timezone: "UTC"))
        #expect(first.fields[12].type == .timestamp(unit: .millisecond, timezone: nil))
        #expect(first.columns[0] == .null(count: 3))
        #expect(first.columns[1] == .bool([true, nil, false]))
        #expect(first.columns[2] == .integer([-128, 127, nil]))
        #expect(first.columns[3] == .integer([-32768, nil, 32767]))
        #expect(first.columns[4] == .integer([nil, -2_147_483_648, 2_147_483_647]))
        #expect(first.columns[5] == .integer([Int64.min, Int64.max, nil]))
        #expect(first.columns[6] == .float([1.5, nil, -0.25]))
        #expect(first.columns[7] == .float([0.1, .infinity, nil]))
        #expect(first.columns[8] == .string(["héllo", "", nil]))
        #expect(first.columns[9] == .date([0, -1, nil]))
        #expect(first.columns[10] == .decimal([ArrowDecimal(units: -1250, scale: 2), nil, ArrowDecimal(units: 999_999_999_999, scale: 2)]))
        #expect(first.columns[11] == .timestamp([1_709_209_800_123_456, nil, 0]))
        #expect(first.columns[12] == .timestamp([nil, 1000, -1000]))
        let second = try #require(batches.last)
        #expect(second.rowCount == 1)
        #expect(second.columns[8] == .string(["日本語 and 𝄞"]))
        #expect(second.columns[9] == .date([11017]))
        #expect(second.columns[10] == .decimal([ArrowDecimal(units: 7, scale: 2)]))
        #expect(second.columns[12] == .timestamp([946_684_800_000]))
    }

    @Test func readsTheFormatBeforeContinuationMarkers() throws {
        let batches = try ArrowStreamReader.batches(in: try Self.fixture("legacy"))
        #expect(batches.count == 1)
        #expect(batches.first?.columns[5] == .integer([4]))
        #expect(batches.first?.columns[11] == .timestamp([946_684_800_000_000]))
    }

    @Test func readsAStreamWithoutBatches() throws {
        var reader = ArrowStreamReader(try Self.fixture("empty"))
        #expect(try reader.nextBatch() == nil)
        #expect(reader.fields?.count == 13)
    }

    @Test func readsLargeStringsAndWideDecimals() throws {
        let batch = try #require(try ArrowStreamReader.batches(in: try Self.fixture("large")).first)
        #expect(batch.columns[0] == .string(["a", nil, "ccc"]))
        guard case .decimal(let values) = batch.columns[1] else {
            Issue.record("expected decimals, found \(batch.columns[1])")
            return
        }
        #expect(values.map { $0?.description } == ["-99999999999999999999999999999999999999", "0", nil])
    }

    @Test func refusesTypesItDoesNotRead() throws {
        #expect(throws: ArrowError("the column \"items\" has an Arrow type (list) this reader does not read")) {
            _ = try ArrowStreamReader.batches(in: try Self.fixture("list"))
        }
    }

    @Test func refusesDamagedStreamsWithoutCrashing() throws {
        let bytes = [UInt8](try Self.fixture("types"))
        // Every prefix, and the stream with each of its first bytes changed, reads or throws.
        for length in stride(from: 0, to: bytes.count, by: 7) {
            _ = try? ArrowStreamReader.batches(in: Data(bytes[..<length]))
        }
        var failures = 0
        for index in stride(from: 0, to: min(bytes.count, 600), by: 3) {
            var damaged = bytes
            damaged[index] ^= 0xA5
            do { _ = try ArrowStreamReader.batches(in: Data(damaged)) } catch { failures += 1 }
        }
        #expect(failures > 0)
        #expect(throws: ArrowError.self) { _ = try ArrowStreamReader.batches(in: Data(bytes[..<(bytes.count - 100)])) }
    }

    @Test(arguments: [
        (Int128(-1250), 2, "-12.50"), (Int128(5), 3, "0.005"), (Int128(-5), 1, "-0.5"), (Int128(0), 2, "0.00"), (Int128(42), 0, "42"),
        (Int128(7), -2, "700"),
    ])
    func writesDecimalsExactly(units: Int128, scale: Int, text: String) {
        #expect(ArrowDecimal(units: units, scale: scale).description == text)
    }
}
