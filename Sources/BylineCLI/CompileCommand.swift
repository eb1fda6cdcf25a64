// `byline compile QUERY`: the SQL a query compiles to, without running it.
import ArgumentParser
import Byline
import BylineDatabases
import BylineSpark
import BylineShell

/// `byline compile QUERY`: the SQL a query compiles to, without running it.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Print the SQL a query compiles to, without running it.",
        discussion: """
            The query is checked against the article's tables (and --db's, when given) and compiled \
            for --dialect (default: the database's, else postgresql), as if every table it reads \
            were in such a database (after '.push article'). Values are bind parameters, listed \
            after the statement.
            """
    )

    @Argument(help: ArgumentHelp("The query.", valueName: "QUERY"))
    var query: String

    @Option(name: .long, help: "postgresql, sqlite or spark.")
    var dialect: SQLDialect?

    @Option(name: .long, help: ArgumentHelp("Compile against this database's tables.", valueName: "DATABASE"))
    var db: String?

    func run() throws {
        let session = Session()
        if let db {
            do {
                try session.open(try openDatabase(at: db))
            } catch let error as DatabaseError {
                throw ValidationError(error.message)
            }
        }
        do {
            let compiled = try session.compile(query, dialect: dialect)
            var out = compiled.text + ";\n"
            let target = dialect ?? session.database?.dialect ?? .postgresql
            for (index, value) in compiled.bindings.enumerated() {
                out += "-- \(target.parameterLabel(index + 1)) = \(value.literal)\n"
            }
            StandardStream.output.write(out)
        } catch {
            StandardStream.error.write(error.description)
            throw ExitCode(ExitStatus.statementFailed)
        }
    }
}
