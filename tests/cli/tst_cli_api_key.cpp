// SPDX-License-Identifier: GPL-3.0-or-later
// How the built `rlrf` gets a remote judge's API key: $RLRF_API_KEY, or a file named
// by $RLRF_API_KEY_FILE that only its owner may read (a file open to others is
// refused before any request). The key reaches the server (a real HTTP server on
// 127.0.0.1 that echoes it back) but never the command's stdout or stderr.
#include "common/cli_runner.h"
#include "common/local_http_server.h"
#include "common/test_paths.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/stat.h>

using rlrf::test::HttpReply;
using rlrf::test::HttpRequest;
using rlrf::test::runCli;

namespace {

const QByteArray kKey = "sk-cli-5d0e7b93aa41c2f8";

// Fails the first request with a page quoting the header (retried and logged),
// then rates every aspect 2 with the header quoted in each rationale.
HttpReply echoingJudge(const HttpRequest &request, int number)
{
    const std::string echoed = request.header("authorization");
    if (number == 1)
        return HttpReply{503, "{\"error\": \"busy; you sent " + echoed + "\"}"};
    nlohmann::json ratings = nlohmann::json::array();
    for (const char *name : {"Factuality", "Logical Correctness", "Metacognition", "Insightfulness", "Completeness",
                             "Comprehension", "Readability", "Harmlessness"})
        ratings.push_back({{"aspect", name}, {"rating", 2}, {"rationale", "seen " + echoed}});
    const std::string content = nlohmann::json{{"ratings", ratings}}.dump();
    return HttpReply{200, nlohmann::json{{"choices", {{{"message", {{"role", "assistant"}, {"content", content}}}}}}}.dump()};
}

rlrf::test::CliResult judgeOneLine(const rlrf::test::LocalHttpServer &server)
{
    const auto spec = QStringLiteral("endpoint:%1#judge-model").arg(QString::fromStdString(server.baseUrl()));
    return runCli({QStringLiteral("judge"), QStringLiteral("--judge"), spec, QStringLiteral("--rubric"),
                   rlrf::test::sourceDir() + QStringLiteral("/rubrics/default.json"), QStringLiteral("--input"),
                   QStringLiteral("-"), QStringLiteral("--concurrency"), QStringLiteral("1")},
                  "{\"prompt\": \"What is 2+3?\", \"response\": \"5\"}\n");
}

QString writeKeyFile(const QTemporaryDir &dir, int mode)
{
    const QString path = dir.filePath(QStringLiteral("judge.key"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(kKey + '\n');
    file.close();
    ::chmod(QFile::encodeName(path).constData(), static_cast<mode_t>(mode));
    return path;
}

} // namespace

class TestCliApiKey : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        qunsetenv("RLRF_API_KEY");
        qunsetenv("RLRF_API_KEY_FILE");
    }

    void keyFromTheVariableIsSentButNeverPrinted()
    {
        qputenv("RLRF_API_KEY", kKey);
        rlrf::test::LocalHttpServer server(echoingJudge);
        const auto r = judgeOneLine(server);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(server.requestCount(), 2);
        for (const auto &request : server.requests())
            QCOMPARE(QByteArray::fromStdString(request.header("authorization")), "Bearer " + kKey);
        QVERIFY2(r.err.contains("attempt 1/"), r.err.constData()); // the echoing error page was logged
        QVERIFY2(r.out.contains("seen Bearer [redacted]"), r.out.constData());
        QVERIFY2(!r.out.contains(kKey), r.out.constData());
        QVERIFY2(!r.err.contains(kKey), r.err.constData());
    }

    void keyFromAnOwnerOnlyFile()
    {
        QTemporaryDir dir;
        qputenv("RLRF_API_KEY_FILE", QFile::encodeName(writeKeyFile(dir, 0600)));
        rlrf::test::LocalHttpServer server(echoingJudge);
        const auto r = judgeOneLine(server);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QByteArray::fromStdString(server.requests().at(0).header("authorization")), "Bearer " + kKey);
        QVERIFY(!r.out.contains(kKey) && !r.err.contains(kKey));
    }

    void fileReadableByOthersIsRefused()
    {
        QTemporaryDir dir;
        const QString path = writeKeyFile(dir, 0644);
        qputenv("RLRF_API_KEY_FILE", QFile::encodeName(path));
        rlrf::test::LocalHttpServer server(echoingJudge);
        const auto r = judgeOneLine(server);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QFile::encodeName(path)), r.err.constData());
        QVERIFY2(r.err.contains("RLRF_API_KEY_FILE"), r.err.constData());
        QVERIFY2(r.err.contains("group or others (mode 0644)"), r.err.constData());
        QVERIFY2(r.err.contains("chmod 600"), r.err.constData());
        QVERIFY(!r.err.contains(kKey));
        QCOMPARE(server.requestCount(), 0); // refused before anything was sent
    }

    void helpTellsWhereTheKeyComesFrom()
    {
        const auto r = runCli({QStringLiteral("judge"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("RLRF_API_KEY_FILE"), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliApiKey)
#include "tst_cli_api_key.moc"
