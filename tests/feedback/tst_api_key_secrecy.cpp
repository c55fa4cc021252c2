// SPDX-License-Identifier: GPL-3.0-or-later
// The API key stays a run-time value: a judging run against a real HTTP server on
// 127.0.0.1 with a key set, whose server echoes the Authorization header in an
// error page and inside the judge's answer, stores its critiques in a project;
// afterwards neither the project file (with its WAL) nor the captured log holds
// the key, while the server did receive it.
#include "common/store_fixture.h"
#include "common/local_http_server.h"
#include "common/test_rubrics.h"

#include "core/logging.h"
#include "feedback/chat_endpoint.h"
#include "feedback/lm_judge.h"
#include "store/critique_repository.h"

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sstream>

using namespace rlrf;
using rlrf::test::HttpReply;
using rlrf::test::HttpRequest;
using rlrf::test::LocalHttpServer;

namespace {

const std::string kKey = "sk-live-3f9c2a7d41e8b6051c";

// Request 1 fails with a 503 page quoting the header (a retry, logged); later
// requests rate the five applicable aspects and quote the header in a rationale.
HttpReply echoingJudge(const HttpRequest &request, int number)
{
    const std::string echoed = request.header("authorization");
    if (number == 1)
        return HttpReply{503, "{\"error\": \"overloaded; request had " + echoed + "\"}"};
    nlohmann::json ratings = nlohmann::json::array();
    for (const char *aspect : {"Factuality", "Logical Correctness", "Completeness", "Comprehension", "Readability"})
        ratings.push_back({{"aspect", aspect}, {"rating", 3}, {"rationale", std::string("fine (") + echoed + ")"}});
    const std::string content = nlohmann::json{{"ratings", ratings}}.dump();
    return HttpReply{200,
                     nlohmann::json{{"choices", {{{"message", {{"role", "assistant"}, {"content", content}}}}}}}.dump()};
}

QByteArray everyFileIn(const QString &folder)
{
    QByteArray all;
    for (const QString &name : QDir(folder).entryList(QDir::Files)) {
        QFile file(folder + QLatin1Char('/') + name);
        if (file.open(QIODevice::ReadOnly))
            all += file.readAll();
    }
    return all;
}

} // namespace

class TestApiKeySecrecy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keyReachesTheServerButNotTheProjectOrTheLog()
    {
        rlrf::log::init(spdlog::level::trace);
        std::ostringstream logText;
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(logText);
        rlrf::log::attachSink(sink);

        QTemporaryDir dir;
        const std::string projectPath = dir.filePath(QStringLiteral("secret-test.rlrf")).toStdString();
        LocalHttpServer server(echoingJudge);
        {
            auto project = store::Project::create(projectPath, {"arith", "models/demo", {}, 0});
            const auto fixture = rlrf::test::buildSmallProject(project);

            feedback::EndpointConfig config;
            config.baseUrl = server.baseUrl();
            config.model = "judge-7b";
            config.apiKey = kKey; // handed in as a value, as the GUI does from the keychain
            config.concurrency = 1;
            config.backoffSeconds = 0.01;
            feedback::LanguageModelJudge judge(std::make_shared<feedback::ChatEndpoint>(config));
            const std::vector<feedback::JudgeRequest> requests{{"What is 2 + 3?", "5", std::string("5")},
                                                               {"What is 7 * 6?", "42", std::string("42")}};
            const auto critiques = judge.judgeBatch(requests, rlrf::test::eightAspectRubric(), RunContext{});
            QCOMPARE(critiques.size(), size_t(2));
            store::CritiqueRepository repository(project.db());
            repository.insertBatch({{fixture.candA1, fixture.rubricVersionId, critiques[0]},
                                    {fixture.candB1, fixture.rubricVersionId, critiques[1]}});
            // The echo came back and was scrubbed, so the check below is not vacuous.
            const auto stored = repository.forCandidate(fixture.candA1).back();
            QVERIFY2(stored.critique.rawOutput.find("Bearer [redacted]") != std::string::npos,
                     stored.critique.rawOutput.c_str());
        }
        rlrf::log::detachSink(sink);

        QCOMPARE(server.requestCount(), 3);
        for (const auto &request : server.requests())
            QCOMPARE(request.header("authorization"), "Bearer " + kKey);

        const QByteArray key = QByteArray::fromStdString(kKey);
        const QByteArray files = everyFileIn(dir.path());
        QVERIFY(files.startsWith("SQLite format 3"));
        QVERIFY2(!files.contains(key), "the API key was written to the project file");
        const std::string log = logText.str();
        QVERIFY2(log.find("attempt 1/") != std::string::npos, log.c_str()); // the retry was logged
        QVERIFY2(log.find(kKey) == std::string::npos, log.c_str());
    }
};

QTEST_GUILESS_MAIN(TestApiKeySecrecy)
#include "tst_api_key_secrecy.moc"
