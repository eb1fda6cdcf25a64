// Swift values as parameters, `Value` read as Swift types and through Codable, results as
// collections of rows that compare and print, and the host's functions: typed, throwing, and
// refused a name already taken.
import Foundation
import Testing

import Byline

@Suite struct SwiftValueTests {
    @Test func swiftValuesAreParameters() throws {
        let session = Session()
        let year = 2016
        let countries: [String] = ["Israel", "Kazakhstan"]
        let missing: Int? = nil
        let day = Date(timeIntervalSince1970: 86_400 * 365)
        #expect(try session.value("visits where year = $y count", parameters: ["y": year]) == session.value("visits where year = 2016 count"))
        #expect(try session.value("range(3) where value * $f > 1.5 count", parameters: ["f": 1.0]) == 1)
        #expect(try session.value("range(1) select $flag and true", parameters: ["flag": true]) == true)
        #expect(try session.value("range(1) select $c", parameters: ["c": countries]) == ["Israel", "Kazakhstan"])
        #expect(try session.value("range(1) select $m is null", parameters: ["m": missing]) == true)
        #expect(try session.value("range(1) select $d", parameters: ["d": day]) == .date(PartialDate(year: 1971, month: 1, day: 1)))
        #expect(try session.value("range(1) select $v", parameters: ["v": Value.string("as before")]) == "as before")
    }

    @Test func valueIsReadAsSwiftTypes() {
        let integer: Value = 3
        #expect(integer.intValue == 3 && integer.doubleValue == 3.0 && integer.stringValue == nil)
        #expect(Value.string("a").stringValue == "a" && Value.bool(true).boolValue == true)
        #expect(Value.date(PartialDate(year: 2016)).dateValue == PartialDate(year: 2016))
        #expect(Value.list([1, 2]).listValue == [1, 2] && Value.null.listValue == nil)
    }

    @Test func valueIsCodable() throws {
        let values: [Value] = [nil, 1, 2.5, "x", true, .date(PartialDate(year: 2016, month: 5, day: 1)), [1, "a", nil]]
        let json = String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
        #expect(json == #"[null,1,2.5,"x",true,"2016-05-01",[1,"a",null]]"#)
        let decoded = try JSONDecoder().decode([Value].self, from: Data(json.utf8))
        #expect(decoded == [nil, 1, 2.5, "x", true, "2016-05-01", [1, "a", nil]])
    }

    @Test func resultsAreCollectionsOfRows() throws {
        let session = Session()
        let result = try session.run("visits where year = 2016 select visitor, year order by visitor")[0]
        #expect(result.count == result.rowCount && result.count > 0)
        let first = try #require(result.first)
        #expect(first["visitor"] == result[0, 0] && first[1] == 2016 && first.count == 2)
        #expect(result.map { $0["year"] }.allSatisfy { $0 == 2016 })
        #expect(Array(result.reversed()).first == result.last)
        #expect(result == (try session.run("visits where year = 2016 select visitor, year order by visitor")[0]))
        #expect(try session.run("range(3)")[0] != session.run("range(3) order by value desc")[0])
        #expect(try session.run("range(3)")[0] != session.run("range(3) select value as v")[0])
        #expect(try session.run("leaders count")[0].value == session.value("leaders count"))
        do {
            let value = try session.value("leaders")
            Issue.record("a whole table was one value: \(value)")
        } catch {
            #expect(error.diagnostics.first?.message.hasSuffix("fields, not one value") == true)
        }
    }

    @Test func resultsPrintAsASmallTable() throws {
        let result = try Session().run("range(3) select value, value * 2 as twice")[0]
        #expect(result.description == """
             value | twice
            -------+-------
                 0 |     0
                 1 |     2
                 2 |     4
            (3 rows)

            """)
        #expect("\(result[1])" == "[1, 2]")
        let long = try Session().run("range(100)")[0].description
        #expect(long.split(separator: "\n").count < 30)
    }

    @Test func aFunctionReturningTheWrongTypeIsAnError() throws {
        let session = Session()
        try session.register(UserFunction(name: "bad", arguments: [.integer], returns: .integer) { _ in .string("oops") })
        do {
            _ = try session.run("range(2) select bad(value)")
            Issue.record("a string was taken for an integer")
        } catch {
            #expect(error.diagnostics.first?.id == .runtimeFailure)
            #expect(error.diagnostics.first?.message == #"'bad' returned "oops", but it is declared to return an integer"#)
        }
        try session.register(UserFunction(name: "half", arguments: [.integer], returns: .float) { values in values[0] })
        #expect(try session.value("range(3, 4) select half(value)") == .float(3))
    }

    struct Refusal: Error, CustomStringConvertible {
        var description: String { "no negative numbers" }
    }

    @Test func functionsCanThrow() throws {
        let session = Session()
        try session.register(UserFunction(name: "root", arguments: [.float], returns: .float) { values in
            guard let number = values[0].doubleValue, number >= 0 else { throw Refusal() }
            return .float(number.squareRoot())
        })
        #expect(try session.value("range(4, 5) select root(value)") == 2.0)
        do {
            _ = try session.run("range(-1, 2) select root(value)")
            Issue.record("the function's error was lost")
        } catch {
            #expect(error.diagnostics.first?.message == "'root' failed: no negative numbers")
        }
    }

    @Test func aNameAlreadyTakenIsRefusedUnlessReplacing() throws {
        let session = Session()
        let shout = UserFunction(name: "LOWER", arguments: [.string], returns: .string) { values in
            .string(values[0].stringValue?.uppercased() ?? "")
        }
        do {
            try session.register(shout)
            Issue.record("the built-in 'lower' was replaced")
        } catch {
            #expect(error.diagnostics.first?.id == .duplicateName)
            #expect(error.diagnostics.first?.message == "cannot register the function 'LOWER': the name is taken by a built-in function")
        }
        #expect(try session.value("range(1) select lower('A')") == "a")
        try session.register(shout, replacing: true)
        #expect(try session.value("range(1) select lower('a')") == "A")
        let mine = UserFunction(name: "mine", arguments: [], returns: .integer) { _ in 1 }
        try session.register(mine)
        #expect(throws: BylineError.self) { try session.register(mine) }
        #expect(throws: BylineError.self) { try session.register(UserFunction(name: "count", arguments: [], returns: .integer) { _ in 1 }) }
    }
}
