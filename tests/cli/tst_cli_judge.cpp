// `rlrf judge --judge SPEC --rubric FILE` through the built binary: an endpoint
// judge against a real HTTP server on 127.0.0.1, a verifier judge, and bad specs.
#include "common/cli_runner.h"
#include "common/local_http_server.h"
#include "common/test_paths.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

using rlrf::test::HttpReply;
using rlrf::test::HttpRequest;
using rlrf::test::runCli;

namespace {

// A judge server that rates every aspect it finds in the prompt's list 2, except
// Readability 3; and fails the first request with a 503 to exercise the retry.
HttpReply judgeServer(const HttpRequest &request, int number)
{
    if (number == 1)
        return HttpReply{503, "{\"error\": \"warming up\"}"};
    const auto body = nlohmann::json::parse(request.body);
    const std::string user = body["messages"][1]["content"];
    nlohmann::json ratings = nlohmann::json::array();
    for (const char *name : {"Factuality", "Logical Correctness", "Metacognition", "Insightfulness", "Completeness",
                             "Comprehension", "Readability", "Harmlessness"})
        if (user.find(std::string(". ") + name + ":") != std::string::npos)
            ratings.push_back({{"aspect", name}, {"rating", std::string(name) == "Readability" ? 3 : 2},
                               {"rationale", std::string("about ") + name}});
    const std::string content = nlohmann::json{{"ratings", ratings}}.dump();
    return HttpReply{200, nlohmann::json{{"choices", {{{"message", {{"role", "assistant"}, {"content", content}}}}}}}.dump()};
}

QString rubric()
{
    return rlrf::test::sourceDir() + QStringLiteral("/rubrics/default.json");
}

} // namespace

class TestCliJudge : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void endpointJudgeRatesEveryLine()
    {
        rlrf::test::LocalHttpServer server(judgeServer);
        const QByteArray input = "{\"prompt\": \"What is 2+3?\", \"response\": \"5\"}\n"
                                 "{\"prompt\": \"Name a colour.\", \"response\": \"Blue.\"}\n";
        const auto spec = QStringLiteral("endpoint:%1#judge-model").arg(QString::fromStdString(server.baseUrl()));
        const auto r = runCli({QStringLiteral("judge"), QStringLiteral("--judge"), spec, QStringLiteral("--rubric"),
                               rubric(), QStringLiteral("--input"), QStringLiteral("-"), QStringLiteral("--concurrency"),
                               QStringLiteral("1")},
                              input);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const auto c = nlohmann::json::parse(lines[i].toStdString());
            QCOMPARE(c["line"].get<int>(), i + 1);
            QCOMPARE(c["parse_status"].get<std::string>(), std::string("ok"));
            QCOMPARE(c["aspects"].size(), size_t(8));
            // Seven aspects at 2 (0.5) and one at 3 (1.0), equal weights.
            QVERIFY(std::abs(c["overall"].get<double>() - (7 * 0.5 + 1.0) / 8) < 1e-9);
        }
        QCOMPARE(server.requestCount(), 3); // the 503 was retried
    }

    void verifierJudgeUsesReferences()
    {
        const QByteArray input =
            "{\"prompt\": \"q\", \"response\": \"so 18 in all\\n#### 18\", \"reference\": \"#### 18\"}\n"
            "{\"prompt\": \"q\", \"response\": \"#### 17\", \"reference\": \"18\"}\n";
        const auto r = runCli({QStringLiteral("judge"), QStringLiteral("--judge"), QStringLiteral("verifier:gsm8k"),
                               QStringLiteral("--rubric"), rubric(), QStringLiteral("--input"), QStringLiteral("-")},
                              input);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto lines = r.out.trimmed().split('\n');
        QCOMPARE(nlohmann::json::parse(lines[0].toStdString())["reward"].get<double>(), 1.0);
        QCOMPARE(nlohmann::json::parse(lines[1].toStdString())["reward"].get<double>(), 0.0);
    }

    void badSpecsAreNamed_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("unknown kind") << QStringLiteral("oracle:x") << QByteArray("unknown judge 'oracle:x'");
        QTest::newRow("endpoint without model") << QStringLiteral("endpoint:http://127.0.0.1:9") << QByteArray("endpoint:URL#MODEL");
        QTest::newRow("unknown verifier") << QStringLiteral("verifier:chess") << QByteArray("no verifier for task 'chess'");
    }

    void badSpecsAreNamed()
    {
        QFETCH(QString, spec);
        QFETCH(QByteArray, message);
        const auto r = runCli({QStringLiteral("judge"), QStringLiteral("--judge"), spec, QStringLiteral("--rubric"), rubric(),
                               QStringLiteral("--input"), QStringLiteral("-")},
                              "{\"prompt\": \"q\", \"response\": \"r\"}\n");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(message), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliJudge)
#include "tst_cli_judge.moc"
