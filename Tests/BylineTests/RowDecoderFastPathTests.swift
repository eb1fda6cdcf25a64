// Typed rows read straight from the columns: a field that holds the wanted type is read directly,
// and every other case (a null, another type, a list) still decodes or says what is wrong.
import Testing

@testable import Byline

@Suite struct RowDecoderFastPathTests {
    struct Mixed: Decodable, Equatable {
        var id: Int
        var score: Double
        var name: String
        var flag: Bool
        var note: String?
    }

    private func session() -> Session {
        let fields = [
            Field(name: "id", type: .integer), Field(name: "score", type: .float), Field(name: "name", type: .string),
            Field(name: "flag", type: .bool), Field(name: "note", type: .string), Field(name: "whole", type: .float),
        ]
        let table = Table(
            schema: TableSchema(name: "t", fields: fields),
            rows: [
                [.integer(1), .float(0.5), .string("a"), .bool(true), .null, .float(2)],
                [.integer(2), .float(1.5), .string("b"), .bool(false), .string("n"), .null],
            ])
        return Session(tables: [table])
    }

    @Test func typedFieldsAndNullsDecode() throws {
        let rows = try session().rows(Mixed.self, "t")
        #expect(rows == [Mixed(id: 1, score: 0.5, name: "a", flag: true, note: nil), Mixed(id: 2, score: 1.5, name: "b", flag: false, note: "n")])
    }

    /// A subclass and its superclass each ask for a container with their own keys in every row:
    /// the container kept from one row serves only the key type it was made for.
    class Named: Decodable {
        let name: String
    }

    final class Scored: Named {
        let score: Double
        private enum CodingKeys: String, CodingKey { case score }

        required init(from decoder: any Decoder) throws {
            score = try decoder.container(keyedBy: CodingKeys.self).decode(Double.self, forKey: .score)
            try super.init(from: decoder)
        }
    }

    @Test func containersWithOtherKeysInOneRowDecode() throws {
        let rows = try session().rows(Scored.self, "t")
        #expect(rows.map(\.name) == ["a", "b"])
        #expect(rows.map(\.score) == [0.5, 1.5])
    }

    @Test func otherTypesTakeTheSlowWay() throws {
        // An integer field read as a Double, a whole float as an Int.
        struct Converted: Decodable, Equatable {
            var id: Double
            var whole: Int
        }
        let rows = try session().rows(Converted.self, "t where id = 1")
        #expect(rows == [Converted(id: 1, whole: 2)])
    }

    @Test func aNullInAFieldThatMustHoldOneNamesTheRow() {
        struct Whole: Decodable { var whole: Int }
        #expect {
            try session().rows(Whole.self, "t")
        } throws: { error in
            (error as? BylineError)?.diagnostics.first?.message == "cannot decode the rows as Whole: row 2, field 'whole': expected a Int, found null"
        }
        struct Named: Decodable { var name: Int }
        #expect {
            try session().rows(Named.self, "t")
        } throws: { error in
            (error as? BylineError)?.diagnostics.first?.message == "cannot decode the rows as Named: row 1, field 'name': expected a Int, found the string \"a\""
        }
    }
}
