// Parameters: `$name` is a value bound as a literal of its type, never text put into the query.
import Testing

@testable import Byline

@Suite struct ParameterTests {
    @Test func parametersAreValuesOfTheirType() throws {
        let session = Session()
        #expect(try session.run("leaders where country = $c select name", parameters: ["c": "Congo"]).last?.rows == [["Felix Tshisekedi"]])
        #expect(try session.run("visits where year > $y count", parameters: ["y": 2000]).last?.rows == [[2]])
        #expect(try session.run("leaders limit $n", parameters: ["n": 2]).last?.rowCount == 2)
        #expect(try session.run("range($n)", parameters: ["n": 3]).last?.rowCount == 3)
    }

    @Test func aValueCannotChangeWhatTheQueryMeans() throws {
        // Text that would be a condition if it were spliced in is only a string here.
        let injected = #"Congo" or name != ""#
        #expect(try Session().run("leaders where country = $c count", parameters: ["c": injected]).last?.rows == [[0]])
    }

    @Test func unboundAndMistypedParametersAreCheckedErrors() {
        do {
            _ = try Session().run("leaders where country = $c")
            Issue.record("an unbound parameter ran")
        } catch {
            #expect(error.diagnostics.first?.message == "parameter '$c' has no value")
            #expect(error.diagnostics.first?.id == .missingParameter)
            #expect(error.diagnostics.first?.span?.start.column == 25)
        }
        do {
            _ = try Session().run("visits where year > $y", parameters: ["y": "2000"])
            Issue.record("a mistyped parameter ran")
        } catch {
            #expect(error.diagnostics.first?.message == "cannot compare 'year' (integer) with '$y' (string)")
        }
    }

    @Test func preparedQueriesTakeParametersEachRun() throws {
        let session = Session()
        let prepared = try session.prepare("visits where destination = $d count", parameters: ["d": "Israel"])
        #expect(try prepared.run(parameters: ["d": "Israel"]).rows == [[5]])
        #expect(try prepared.run(parameters: ["d": "Azerbaijan"]).rows == [[1]])
    }

    @Test func jsonValues() {
        #expect(Value(json: "5") == .integer(5))
        #expect(Value(json: "[1, 2.5]") == .list([.float(1), .float(2.5)]))
        #expect(Value(json: #""x""#) == .string("x"))
        #expect(Value(json: "{}") == nil)
        #expect(Value(json: "not json") == nil)
    }
}
