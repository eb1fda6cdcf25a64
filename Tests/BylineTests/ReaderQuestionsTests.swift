// A fact-checker's reader questions, each a query written from the README alone: the answer must
// be right and complete, cite exactly the sentences that state it, and be the same without `cite`.
import Testing

@testable import Byline

@Suite struct ReaderQuestionsTests {
    struct Question: Sendable, CustomTestStringConvertible {
        var question: String
        var query: String
        var answer: [[Value]]
        var cited: [[Int]]
        var testDescription: String { question }
    }

    static let questions: [Question] = [
        Question(
            question: "Who wants to visit Israel, and when?",
            query: #"visits where destination = "Israel" and status = "planned" select visitor, year"#,
            answer: [[.string("Askar Mamin"), .null], [.string("Felix Tshisekedi"), .null]], cited: [[1, 2, 11, 12], [1, 13, 15]]),
        Question(
            question: "How often did Nazarbayev visit Israel?",
            query: #"figures where subject = "Nazarbayev" and measure = "visits to Israel" select value, qualifier"#,
            answer: [[.integer(3), .string("at least")]], cited: [[5]]),
        Question(
            question: "In which years?",
            query: #"visits where visitor = "Nazarbayev" and destination = "Israel" select year order by year"#,
            answer: [[.integer(1995)], [.integer(2000)], [.integer(2013)]], cited: [[5], [5], [5]]),
        Question(
            question: "Everything about the Congo, with sources",
            query: #"countries where name = "Congo" select name"#,
            answer: [[.string("Democratic Republic of the Congo")]], cited: [[1, 13, 14, 16, 17]]),
        Question(
            question: "Who leads the Congo?",
            query: #"leaders where country = "Congo" select name, title"#,
            answer: [[.string("Felix Tshisekedi"), .string("President")]], cited: [[1, 13, 14, 15, 16]]),
        Question(
            question: "What numbers does the article give?",
            query: "figures select subject, value, unit, qualifier",
            answer: [
                [.string("Kazakhstan"), .integer(1), .string("quarter"), .string("about")],
                [.string("Democratic Republic of the Congo"), .integer(27), .string("cases"), .string("a one-day record")],
                [.string("Nursultan Nazarbayev"), .integer(3), .string("visits"), .string("at least")],
                [.string("Nursultan Nazarbayev"), .integer(3), .string("decades"), .string("just shy of")],
            ], cited: [[8], [17], [5], [4]]),
        Question(
            question: "Who is said to have said something?",
            query: "attributions where speaker is not null select speaker distinct order by speaker",
            answer: [
                [.string("Askar Mamin")], [.string("Euro-Asian Jewish Congress")], [.string("Felix Tshisekedi")],
                [.string("Foreign Ministry")], [.string("Kazakhstan")], [.string("PMO")],
            ], cited: [[2, 11], [7], [13], [12], [4], [14]]),
        Question(
            question: "What does the article have only from the PMO?",
            query: #"attributions where speaker = "PMO" select fact_table, fact"#,
            answer: [
                [.string("relations"), .string("congratulated on his election victory")],
                [.string("relations"), .string("discussed ways to strengthen ties between the two countries with")],
                [.string("events"), .string("Felix Tshisekedi congratulates Netanyahu by phone and accepts an invitation to visit Israel")],
                [.string("events"), .string("Benjamin Netanyahu wins an election")],
            ], cited: [[14], [14], [14], [14]]),
        Question(
            question: "What did the Foreign Ministry say?",
            query: #"attributions where speaker = "Foreign Ministry" select words, claim"#,
            answer: [[.string("Foreign Ministry sources in Jerusalem said"), .string("this was the first they have heard of a planned visit by Mamin")]],
            cited: [[12]]),
        Question(
            question: "What did the EAJC's delegation tell Tokayev?",
            query: #"relations where subject = "EAJC" and object = "Tokayev" select relation"#,
            answer: [
                [.string("urged to support Israel on the international stage")],
                [.string("thanked for denouncing anti-Semitism and supporting the Jewish community")],
            ], cited: [[6, 7], [6, 7]]),
        Question(
            question: "When did Tshisekedi take power?",
            query: #"events where "Tshisekedi" in people and description contains "power" select when"#,
            answer: [[.string("in January")]], cited: [[16]]),
        Question(
            question: "Who succeeded Nazarbayev?",
            query: #"events where description contains "succeeds" select description"#,
            answer: [[.string("Kassym-Jomart Tokayev succeeds Nursultan Nazarbayev")]], cited: [[6]]),
        Question(
            question: "What is Kazakhstan's capital called?",
            query: #"places where country = "Kazakhstan" and kind = "city" select name, aliases"#,
            answer: [[.string("Astana"), .list([.string("Nur-Sultan")])]], cited: [[3, 4]]),
        Question(
            question: "When are Kazakhstan's elections?",
            query: #"events where description contains "elections" and "Tokayev" in people select date, when"#,
            answer: [[.date(PartialDate(month: 6, day: 9)), .string("June 9")]], cited: [[7]]),
        Question(
            question: "Who visited Kazakhstan?",
            query: #"visits where destination = "Kazakhstan" select visitor, city, year"#,
            answer: [[.string("Benjamin Netanyahu"), .string("Astana"), .integer(2016)]], cited: [[2, 3]]),
        Question(
            question: "Which sentences name Tokayev?",
            query: #"mentions where entity = "Tokayev" select sentence"#,
            answer: [[.integer(6)], [.integer(7)]], cited: [[6], [7]]),
        Question(
            question: "What happened on Sunday?",
            query: #"events where when = "Sunday" select description"#,
            answer: [[.string("a one-day record of 27 new confirmed Ebola cases is registered")]], cited: [[17]]),
        Question(
            question: "How much of Israel's oil comes from Kazakhstan?",
            query: #"figures where subject = "Kazakhstan" select value, unit, qualifier"#,
            answer: [[.integer(1), .string("quarter"), .string("about")]], cited: [[8]]),
        Question(
            question: "Who heads the EAJC?",
            query: #"leaders where organization = "EAJC" select name, title"#,
            answer: [[.string("Mikhael Mirilashvili"), .string("President")]], cited: [[6]]),
        Question(
            question: "How many trips to Israel does the article report, made or planned?",
            query: #"visits where destination = "Israel" count"#,
            answer: [[.integer(5)]], cited: [[1, 2, 5, 11, 12, 13, 15]]),
        Question(
            question: "What ties do Kazakhstan and Israel have?",
            query: #"relations where subject = "Kazakhstan" and object = "Israel" and relation contains "ties" select relation"#,
            answer: [[.string("has close economic, diplomatic and security ties with")]], cited: [[10]]),
    ]

    @Test(arguments: questions)
    func isAnsweredWithItsSentences(_ question: Question) throws {
        let session = Session()
        let plain = try #require(try session.run(question.query).last)
        let cited = try #require(try session.run(question.query + " cite").last)
        #expect(plain.rows == question.answer)
        #expect(cited.rows == plain.rows && cited.fields == plain.fields, "cite changed the answer")
        #expect(cited.citations?.map { $0.map(\.id) } == question.cited)
    }
}
