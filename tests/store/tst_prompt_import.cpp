// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt import into real project files. The published data sets under the shared
// data folder (GSM8K, Just-Eval-Instruct, BFCL simple) import completely, with
// row counts and sample values counted independently of this code (Python's json
// module; see each comment). Small CSV/JSONL fixtures are written by the tests
// themselves. Every bad input names file:line and cause, and leaves the project
// exactly as it was (one transaction per import).
#include "common/error_assert.h"
#include "common/test_paths.h"

#include "store/import/dataset_importers.h"
#include "store/import/prompt_import.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;

namespace {

std::string requireShared(const char *relative)
{
    const QString path = test::sharedData(QString::fromLatin1(relative));
    if (path.isEmpty())
        qFatal("reference file %s is missing under %s (set RLRF_SHARED_DATA_DIR)", relative,
               qPrintable(test::sharedDataDir()));
    return path.toStdString();
}

} // namespace

class TestPromptImport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_project = std::make_unique<store::Project>(store::Project::create(
            file(QStringLiteral("p%1.rlrf").arg(++m_counter)), {"gsm8k", "m", {}, 0}));
    }
    void cleanup() { m_project.reset(); }

    void realDataSetsImportCompletely_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("rows");
        QTest::addColumn<QString>("split");
        // Row counts: python3 -c "import json; print(sum(1 for l in open(F) if l.strip()))"
        // for JSON Lines files (wc -l agrees for GSM8K; the BFCL files lack a final
        // newline, so wc -l shows one less), len(json.load(open(F))) for Just-Eval.
        // They match the tables in the data folders' README files.
        QTest::newRow("gsm8k train") << "gsm8k" << "gsm8k/train.jsonl" << 7473 << "train";
        QTest::newRow("gsm8k test") << "gsm8k" << "gsm8k/test.jsonl" << 1319 << "test";
        QTest::newRow("just-eval") << "just-eval" << "just-eval/just_eval_instruct_1000.json" << 1000 << "train";
        QTest::newRow("bfcl python") << "bfcl" << "bfcl/BFCL_v4_simple_python.json" << 400 << "train";
        QTest::newRow("bfcl live") << "bfcl" << "bfcl/BFCL_v4_live_simple.json" << 258 << "train";
        QTest::newRow("bfcl java") << "bfcl" << "bfcl/BFCL_v4_simple_java.json" << 100 << "train";
        QTest::newRow("bfcl javascript") << "bfcl" << "bfcl/BFCL_v4_simple_javascript.json" << 50 << "train";
    }

    void realDataSetsImportCompletely()
    {
        QFETCH(QString, format);
        QFETCH(QString, file);
        QFETCH(int, rows);
        QFETCH(QString, split);
        tasks::ImportRequest request;
        request.format = tasks::parseImportFormat(format.toStdString());
        request.inputPath = requireShared(qPrintable(file));
        const auto summary = tasks::importPrompts(db(), request);
        QCOMPARE(summary.count, static_cast<std::int64_t>(rows));
        QCOMPARE(store::toString(summary.split), split.toStdString());
        store::PromptRepository prompts(db());
        QCOMPARE(prompts.count(), static_cast<std::int64_t>(rows));
        const auto last = prompts.page({0, 1, "source_row", true, std::nullopt}).at(0);
        QCOMPARE(last.source, request.inputPath);
        QCOMPARE(last.sourceRow, static_cast<std::int64_t>(rows)); // one prompt per line or item
        QCOMPARE(prompts.sets().at(0).format, format.toStdString());
    }

    void gsm8kReferenceAnswers()
    {
        tasks::ImportRequest request{tasks::ImportFormat::Gsm8k, requireShared("gsm8k/train.jsonl"), {}, {}, {}, {}};
        tasks::importPrompts(db(), request);
        store::PromptRepository prompts(db());
        // Values from: python3 -c "import json; r=[json.loads(l) for l in open('train.jsonl')];
        // print(r[0]['answer'].split('#### ')[-1], r[345]['answer'].split('#### ')[-1])" -> 72 1,080
        const auto first = prompts.page({0, 1, "source_row", false, std::nullopt}).at(0);
        QCOMPARE(*first.referenceAnswer, std::string("72"));
        QVERIFY(first.text.rfind("Natalia sold clips", 0) == 0);
        QVERIFY(nlohmann::json::parse(first.metadataJson).at("solution").get<std::string>().find("#### 72") != std::string::npos);
        const auto withComma = prompts.page({345, 1, "source_row", false, std::nullopt}).at(0);
        QCOMPARE(withComma.sourceRow, 346);
        QCOMPARE(*withComma.referenceAnswer, std::string("1080"));
        QCOMPARE(tasks::gsm8kFinalAnswer("so 3 - 5 = -2\n#### -2"), std::string("-2"));
    }

    void bfclJoinsPossibleAnswers()
    {
        tasks::ImportRequest request{tasks::ImportFormat::Bfcl, requireShared("bfcl/BFCL_v4_simple_python.json"), {}, {}, {}, {}};
        tasks::importPrompts(db(), request);
        const auto first = store::PromptRepository(db()).page({0, 1, "source_row", false, std::nullopt}).at(0);
        QCOMPARE(first.text, std::string("Find the area of a triangle with a base of 10 units and height of 5 units."));
        // python3: json.dumps(answers[0]['ground_truth'], separators=(',',':'), sort_keys=True)
        QCOMPARE(*first.referenceAnswer,
                 std::string(R"([{"calculate_triangle_area":{"base":[10],"height":[5],"unit":["units",""]}}])"));
        const auto meta = nlohmann::json::parse(first.metadataJson);
        QCOMPARE(meta.at("id").get<std::string>(), std::string("simple_python_0"));
        QCOMPARE(meta.at("functions").at(0).at("name").get<std::string>(), std::string("calculate_triangle_area"));

        // Live row 59 (live_simple_58-27-0) is the first with a system message.
        tasks::ImportRequest live{tasks::ImportFormat::Bfcl, requireShared("bfcl/BFCL_v4_live_simple.json"), {}, {}, {}, {}};
        tasks::importPrompts(db(), live);
        const auto rows = store::PromptRepository(db()).page({400 + 58, 1, "id", false, std::nullopt});
        QCOMPARE(rows.at(0).sourceRow, 59);
        QCOMPARE(rows.at(0).text, std::string("list movies in Mumbai?"));
        QVERIFY(nlohmann::json::parse(rows.at(0).metadataJson).contains("system_messages"));
    }

    void bfclMismatchedAnswersAreErrors()
    {
        const std::string questions = write("q.json",
            "{\"id\": \"a\", \"question\": [[{\"role\": \"user\", \"content\": \"call f\"}]], \"function\": []}\n"
            "{\"id\": \"b\", \"question\": [[{\"role\": \"user\", \"content\": \"call g\"}]], \"function\": []}\n");
        const std::string answers = write("a.json", "{\"id\": \"a\", \"ground_truth\": [{\"f\": {}}]}\n");
        tasks::ImportRequest request{tasks::ImportFormat::Bfcl, questions, {}, {}, answers, {}};
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), "q.json:2: 'id': no possible answer for id 'b'");
        request.answersPath.clear(); // possible_answer/q.json beside it does not exist
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), "possible_answer/q.json: possible-answer file not found");
        expectUntouched();
    }

    void badBfclFilesNameLineAndCause_data()
    {
        QTest::addColumn<QByteArray>("questions");
        QTest::addColumn<QByteArray>("answers");
        QTest::addColumn<QString>("expected");
        const QByteArray good = "{\"id\": \"a\", \"question\": [[{\"role\": \"user\", \"content\": \"call f\"}]], \"function\": []}\n";
        const QByteArray answerA = "{\"id\": \"a\", \"ground_truth\": [{\"f\": {}}]}\n";
        QTest::newRow("id twice in the answers")
            << good << answerA + answerA << "a.json:2: 'id': id 'a' appears twice";
        QTest::newRow("ground_truth not a list")
            << good << QByteArray("{\"id\": \"a\", \"ground_truth\": {\"f\": {}}}\n")
            << "a.json:1: 'ground_truth': ground_truth must be a list";
        QTest::newRow("question not a list of turns")
            << good + "{\"id\": \"b\", \"question\": \"call g\", \"function\": []}\n" << answerA
            << "q.json:2: 'question': question must be a list of turns, each a list of messages";
        QTest::newRow("message without content")
            << good + "{\"id\": \"b\", \"question\": [[{\"role\": \"user\"}]], \"function\": []}\n" << answerA
            << "q.json:2: 'content': missing required field";
        QTest::newRow("no user message")
            << QByteArray("{\"id\": \"a\", \"question\": [[{\"role\": \"system\", \"content\": \"be brief\"}]], \"function\": []}\n")
            << answerA << "q.json:1: 'question': the first turn has no user message";
        QTest::newRow("function not a list")
            << QByteArray("{\"id\": \"a\", \"question\": [[{\"role\": \"user\", \"content\": \"call f\"}]], \"function\": {}}\n")
            << answerA << "q.json:1: 'function': function must be a list of function definitions";
        QTest::newRow("answer without a question")
            << good << answerA + "{\"id\": \"z\", \"ground_truth\": []}\n"
            << "a.json:2: 'id': possible answer for id 'z' has no question in ";
    }

    void badBfclFilesNameLineAndCause()
    {
        QFETCH(QByteArray, questions);
        QFETCH(QByteArray, answers);
        QFETCH(QString, expected);
        tasks::ImportRequest request{tasks::ImportFormat::Bfcl, write("q.json", questions.toStdString()), {}, {},
                                     write("a.json", answers.toStdString()), {}};
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), expected.toStdString());
        expectUntouched();
    }

    void gsm8kAndJustEvalEmptyFields()
    {
        tasks::ImportRequest request{tasks::ImportFormat::Gsm8k,
                                     write("gsm.jsonl", "{\"question\": \"q1\", \"answer\": \"1+1=2\\n#### 2\"}\n"
                                                        "{\"question\": \"q2\", \"answer\": \"2+2=4\\n####  \"}\n"),
                                     {}, {}, {}, {}};
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), "gsm.jsonl:2: 'answer': nothing after '####' in the solution");
        request.inputPath = write("gsm.jsonl", "{\"question\": \"\", \"answer\": \"#### 2\"}\n");
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), "gsm.jsonl:1: 'question': question is empty");
        request.format = tasks::ImportFormat::JustEval;
        request.inputPath = write("je.json", "[{\"id\": 0, \"instruction\": \"fine\"}, {\"id\": 1, \"instruction\": \" \\n\"}]");
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), "je.json: '[1].instruction': instruction is empty");
        expectUntouched();
    }

    void justEvalKeepsIdsAndCategories()
    {
        tasks::ImportRequest request{tasks::ImportFormat::JustEval, requireShared("just-eval/just_eval_instruct_1000.json"), store::Split::Test, {}, {}, {}};
        tasks::importPrompts(db(), request);
        store::PromptRepository prompts(db());
        QCOMPARE(prompts.count(store::Split::Test), 1000);
        const auto last = prompts.page({0, 1, "source_row", true, std::nullopt}).at(0);
        const auto meta = nlohmann::json::parse(last.metadataJson);
        QCOMPARE(meta.at("id").get<int>(), 999); // python: d[999]['id'], d[999]['category']
        QCOMPARE(meta.at("category").get<std::string>(), std::string("safety"));
        QVERIFY(!last.referenceAnswer.has_value());
    }

    void jsonlWithFieldMapping()
    {
        const std::string path = write("mine.jsonl",
            "{\"input\": {\"q\": \"What is 1 + 1?\"}, \"target\": 2, \"tag\": \"easy\"}\n"
            "\n"
            "{\"input\": {\"q\": \"Name a prime.\"}, \"target\": \"7\"}\n");
        tasks::ImportRequest request{tasks::ImportFormat::Jsonl, path, store::Split::Validation, {"input.q", "target"}, {}, "mine"};
        const auto s = tasks::importPrompts(db(), request);
        QCOMPARE(s.count, 2);
        const auto rows = store::PromptRepository(db()).page({0, 10, "id", false, std::nullopt});
        QCOMPARE(rows[0].text, std::string("What is 1 + 1?"));
        QCOMPARE(*rows[0].referenceAnswer, std::string("2"));
        QCOMPARE(nlohmann::json::parse(rows[0].metadataJson).at("tag").get<std::string>(), std::string("easy"));
        QCOMPARE(rows[1].sourceRow, 3); // the blank line still counts
        QVERIFY(rows[1].split == store::Split::Validation);
    }

    void badJsonlLinesNameTheirLine_data()
    {
        QTest::addColumn<QByteArray>("third");
        QTest::addColumn<QString>("expected");
        QTest::newRow("malformed") << QByteArray("{\"prompt\": \"x\",}") << "bad.jsonl:3: invalid JSON";
        // Found by the import_jsonl fuzz target: the number overflow escaped as an exception.
        QTest::newRow("number out of range") << QByteArray("{\"prompt\": \"x\", \"n\": 1e99999}") << "bad.jsonl:3: invalid JSON";
        QTest::newRow("not an object") << QByteArray("[\"x\"]") << "bad.jsonl:3: each line must be a JSON object, not array";
        QTest::newRow("missing prompt") << QByteArray("{\"question\": \"x\"}") << "bad.jsonl:3: 'prompt': missing prompt field";
        QTest::newRow("prompt not text") << QByteArray("{\"prompt\": 5}") << "bad.jsonl:3: 'prompt': prompt must be a string, not number";
        QTest::newRow("empty prompt") << QByteArray("{\"prompt\": \"  \"}") << "bad.jsonl:3: 'prompt': prompt is empty";
        QTest::newRow("answer not text") << QByteArray("{\"prompt\": \"x\", \"answer\": [1]}") << "bad.jsonl:3: 'answer': answer must be a string or a number, not array";
        QTest::newRow("answer missing") << QByteArray("{\"prompt\": \"x\"}") << "bad.jsonl:3: 'answer': missing answer field";
    }

    void badJsonlLinesNameTheirLine()
    {
        QFETCH(QByteArray, third);
        QFETCH(QString, expected);
        const std::string path = write("bad.jsonl", "{\"prompt\": \"a\", \"answer\": \"1\"}\n{\"prompt\": \"b\", \"answer\": 2}\n"
                                                    + third.toStdString() + "\n");
        tasks::ImportRequest request{tasks::ImportFormat::Jsonl, path, {}, {"prompt", "answer"}, {}, {}};
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), expected.toStdString());
        expectUntouched(); // the two good lines before it were not written either
    }

    void gsm8kWithoutFinalAnswerNamesTheLine()
    {
        const std::string path = write("gsm.jsonl", "{\"question\": \"q1\", \"answer\": \"1+1=2\\n#### 2\"}\n"
                                                    "{\"question\": \"q2\", \"answer\": \"no marker\"}\n");
        tasks::ImportRequest request{tasks::ImportFormat::Gsm8k, path, {}, {}, {}, {}};
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), "gsm.jsonl:2: 'answer': solution has no final answer after '####'");
        expectUntouched();
    }

    void csvWithQuotedNewlinesAndCommas()
    {
        const std::string path = write("quoted.csv",
            "\xEF\xBB\xBFid,prompt,answer\r\n" // with the byte-order mark spreadsheets write
            "1,\"Line one,\nline two\",\"say \"\"hi\"\"\"\r\n"
            "\n"
            "2,plain,42\n");
        tasks::ImportRequest request{tasks::ImportFormat::Csv, path, {}, {"prompt", "answer"}, {}, {}};
        QCOMPARE(tasks::importPrompts(db(), request).count, 2);
        const auto rows = store::PromptRepository(db()).page({0, 10, "id", false, std::nullopt});
        QCOMPARE(rows[0].text, std::string("Line one,\nline two"));
        QCOMPARE(*rows[0].referenceAnswer, std::string("say \"hi\""));
        QCOMPARE(rows[0].sourceRow, 2);
        QCOMPARE(nlohmann::json::parse(rows[0].metadataJson).at("id").get<std::string>(), std::string("1"));
        QCOMPARE(rows[1].text, std::string("plain"));
        QCOMPARE(rows[1].sourceRow, 5); // the quoted newline and the blank line count
    }

    void badCsvNamesTheLine_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unterminated quote") << QByteArray("prompt,answer\nok,1\n\"never closed,2\nmore\n") << "bad.csv:3: quoted field never closed";
        QTest::newRow("text after quote") << QByteArray("prompt,answer\n\"a\"b,1\n") << "bad.csv:2: unexpected 'b' after a closing quote";
        QTest::newRow("stray quote") << QByteArray("prompt,answer\nsay \"hi\",1\n") << "bad.csv:2: a quote inside an unquoted field";
        QTest::newRow("field count") << QByteArray("prompt,answer\na,1\nb,2,3\n") << "bad.csv:3: record has 3 fields, the header has 2";
        QTest::newRow("unknown column") << QByteArray("question,answer\na,1\n") << "bad.csv:1: 'prompt': no such column in the header";
        QTest::newRow("empty prompt") << QByteArray("prompt,answer\n,1\n") << "bad.csv:2: 'prompt': prompt is empty";
        QTest::newRow("empty file") << QByteArray("") << "bad.csv: the CSV file is empty";
    }

    void badCsvNamesTheLine()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        const std::string path = write("bad.csv", body.toStdString());
        tasks::ImportRequest request{tasks::ImportFormat::Csv, path, {}, {"prompt", "answer"}, {}, {}};
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), expected.toStdString());
        expectUntouched();
    }

    void otherBadRequests()
    {
        RLRF_VERIFY_THROWS_WITH(tasks::parseImportFormat("xlsx"), "unknown import format 'xlsx' (expected one of: gsm8k, just-eval, bfcl, jsonl, csv)");
        tasks::ImportRequest request{tasks::ImportFormat::Jsonl, file(QStringLiteral("absent.jsonl")), {}, {}, {}, {}};
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), "absent.jsonl: input file does not exist");
        request.inputPath = write("blank.jsonl", "\n\n");
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), "blank.jsonl: no prompts in the file");
        request.inputPath = write("arr.json", "{\"not\": \"a list\"}");
        request.format = tasks::ImportFormat::JustEval;
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), "arr.json: expected a JSON array of instructions, not object");
        request.inputPath = write("je.json", "[{\"id\": 0, \"instruction\": \"fine\"}, {\"id\": 1}]");
        RLRF_VERIFY_THROWS_WITH(tasks::importPrompts(db(), request), "je.json: '[1].instruction': missing required field");
        expectUntouched();
    }

private:
    store::Database &db() { return m_project->db(); }
    std::string file(const QString &name) { return (m_dir.path() + QLatin1Char('/') + name).toStdString(); }
    std::string write(const char *name, const std::string &contents)
    {
        const std::string path = file(QString::fromLatin1(name));
        QFile f(QString::fromStdString(path));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write fixture %s", path.c_str());
        f.write(contents.data(), static_cast<qint64>(contents.size()));
        return path;
    }
    void expectUntouched()
    {
        QCOMPARE(store::PromptRepository(db()).count(), 0);
        QCOMPARE(store::PromptRepository(db()).sets().size(), size_t(0));
    }

    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<store::Project> m_project;
};

QTEST_GUILESS_MAIN(TestPromptImport)
#include "tst_prompt_import.moc"
