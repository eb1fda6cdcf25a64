// What the SQL generator must say for orders to match Byline's whatever the server's settings:
// nulls last in both directions (SQLite and PostgreSQL put them first ascending, or last, by
// default), and text read with PostgreSQL's "C" collation (code point order, Byline's), never the
// server's default. The test server runs with C.UTF-8, where a missing COLLATE "C" changes no
// answer, so these are checked in the SQL itself.
import Testing

@testable import Byline

@Suite struct SQLOrderTests {
    let session = Session()

    @Test(arguments: SQLDialect.allCases)
    func nullsSortLastAscendingAndDescending(_ dialect: SQLDialect) throws {
        let ascending = try session.compile("visits order by year select visitor", dialect: dialect)
        #expect(ascending.text.contains("ASC NULLS LAST"), "\(ascending.text)")
        let both = try session.compile("visits order by year, visitor desc select visitor", dialect: dialect)
        #expect(both.text.contains("ASC NULLS LAST"), "\(both.text)")
        #expect(both.text.contains("DESC NULLS LAST"), "\(both.text)")
        #expect(!both.text.contains("NULLS FIRST"))
    }

    /// Every way a PostgreSQL table may declare text is read with COLLATE "C".
    @Test(arguments: ["text", "varchar(20)", "character varying", "char(3)", "name", "citext", "uuid"])
    func postgresTextIsReadInCodePointOrder(_ declared: String) {
        let read = SQLDialect.postgresql.readExpression(column: "title", declared: declared, as: .string)
        #expect(read.hasSuffix("COLLATE \"C\""), "\(declared): \(read)")
        #expect(read.contains("\"title\""))
    }
}
