// The Spark backend's own rules, without a server: Spark's errors in Byline's terms, Arrow values
// as Byline's types, statement values as named parameters, and a bad address refused.
import Byline
import SparkConnect
import Testing

@testable import BylineSpark

@Suite struct SparkConnectionTests {
    @Test func anOverflowIsBylinesOverflowAndAnInterruptACancel() {
        let overflow = SparkConnection.error(SparkError("[ARITHMETIC_OVERFLOW] overflow.", errorClass: "ARITHMETIC_OVERFLOW"), statement: "SELECT 1")
        #expect(overflow.kind == .integerOverflow)
        #expect(overflow.statement == "SELECT 1")
        #expect(SparkConnection.error(SparkError("interrupted", isInterrupted: true), statement: nil).kind == .cancelled)
        #expect(SparkConnection.error(SparkError("refused", isConnectionFailure: true), statement: nil).kind == .connection)
        let other = SparkConnection.error(SparkError("[TABLE_OR_VIEW_NOT_FOUND] no t", errorClass: "TABLE_OR_VIEW_NOT_FOUND"), statement: nil)
        #expect(other.kind == .failed)
        #expect(other.message == "Spark: [TABLE_OR_VIEW_NOT_FOUND] no t")
    }

    @Test func arrowValuesBecomeBylinesTypes() {
        #expect(SparkConnection.value(in: .integer([7]), at: 0, as: .integer) == .integer(7))
        #expect(SparkConnection.value(in: .integer([7]), at: 0, as: .float) == .float(7))
        #expect(SparkConnection.value(in: .float([.nan]), at: 0, as: .float) == .null)
        #expect(SparkConnection.value(in: .string(["[1, 2]"]), at: 0, as: .list(.integer)) == .list([.integer(1), .integer(2)]))
        #expect(SparkConnection.value(in: .string(["2016-03"]), at: 0, as: .date) == Value.date(PartialDate("2016-03")!))
        #expect(SparkConnection.value(in: .date([0]), at: 0, as: .date) == Value.date(PartialDate("1970-01-01")!))
        #expect(SparkConnection.value(in: .unsignedInteger([UInt64.max]), at: 0, as: .integer) == nil)
        #expect(SparkConnection.value(in: .string([nil]), at: 0, as: .string) == .null)
    }

    @Test func valuesAreSentAsNamedParameters() {
        let parameters = SparkConnection.parameters([.integer(1), .null, .string("x"), .float(0.5), .bool(true), .list([.integer(2)])])
        #expect(parameters == ["p1": .long(1), "p2": .null, "p3": .string("x"), "p4": .double(0.5), "p5": .bool(true), "p6": .string("[2]")])
    }

    @Test func aPropertyValueIsAnEscapedLiteral() {
        #expect(SparkConnection.literal("a'b\\c") == "'a\\'b\\\\c'")
    }

    @Test func anAddressThatIsNoSparkAddressIsRefusedBeforeConnecting() {
        do {
            _ = try SparkConnection("sc://host:notaport")
            Issue.record("connected to a bad address")
        } catch {
            #expect(error.kind == .connection)
            #expect(error.message.contains("not a Spark Connect address"))
        }
    }
}
