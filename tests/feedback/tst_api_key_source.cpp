// SPDX-License-Identifier: GPL-3.0-or-later
// Where a remote judge's API key comes from: a value handed in (the GUI, from the
// system keychain), $RLRF_API_KEY, or a key file named by $RLRF_API_KEY_FILE that
// only its owner may read. Also the "Test connection" probe, against a real HTTP
// server on 127.0.0.1 that checks the Authorization header it receives.
#include "common/error_assert.h"
#include "common/local_http_server.h"

#include "feedback/api_key_source.h"
#include "feedback/chat_endpoint.h"
#include "feedback/endpoint_probe.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

using namespace rlrf::feedback;
using rlrf::test::HttpReply;
using rlrf::test::HttpRequest;
using rlrf::test::LocalHttpServer;

namespace {

const char *kVariable = "RLRF_TEST_KEY_SOURCE";
const char *kFileVariable = "RLRF_TEST_KEY_SOURCE_FILE";

std::string writeKeyFile(const QTemporaryDir &dir, const QByteArray &content, mode_t mode)
{
    const QString path = dir.filePath(QStringLiteral("key.txt"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    file.write(content);
    file.close();
    ::chmod(path.toLocal8Bit().constData(), mode);
    return path.toStdString();
}

std::string completion(const std::string &content)
{
    return nlohmann::json{{"choices", {{{"message", {{"role", "assistant"}, {"content", content}}}}}}}.dump();
}

EndpointConfig configFor(const LocalHttpServer &server)
{
    EndpointConfig c;
    c.baseUrl = server.baseUrl();
    c.model = "judge-small";
    c.apiKeyEnv = kVariable;
    c.requestTimeoutSeconds = 5.0;
    c.connectTimeoutSeconds = 2.0;
    return c;
}

} // namespace

class TestApiKeySource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        ::unsetenv(kVariable);
        ::unsetenv(kFileVariable);
    }

    void nothingSetMeansNoKey()
    {
        QCOMPARE(apiKeyFromEnvironment(kVariable), std::string());
        QCOMPARE(apiKeyFromEnvironment(""), std::string());
    }

    void variableWinsOverFile()
    {
        QTemporaryDir dir;
        ::setenv(kFileVariable, writeKeyFile(dir, "sk-from-file\n", 0600).c_str(), 1);
        QCOMPARE(apiKeyFromEnvironment(kVariable), std::string("sk-from-file"));
        ::setenv(kVariable, "sk-from-variable", 1);
        QCOMPARE(apiKeyFromEnvironment(kVariable), std::string("sk-from-variable"));
    }

    void ownerOnlyFileIsRead_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("plain") << QByteArray("sk-abc123");
        QTest::newRow("trailing newline") << QByteArray("sk-abc123\n");
        QTest::newRow("CRLF") << QByteArray("sk-abc123\r\n");
    }

    void ownerOnlyFileIsRead()
    {
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        QCOMPARE(readApiKeyFile(writeKeyFile(dir, content, 0600)), std::string("sk-abc123"));
        QCOMPARE(readApiKeyFile(writeKeyFile(dir, content, 0400)), std::string("sk-abc123"));
    }

    void fileOpenToOthersIsRefused_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("shown");
        QTest::newRow("world-readable") << 0644 << QStringLiteral("0644");
        QTest::newRow("group-readable") << 0640 << QStringLiteral("0640");
        QTest::newRow("others only") << 0604 << QStringLiteral("0604");
        QTest::newRow("group-writable") << 0620 << QStringLiteral("0620");
    }

    void fileOpenToOthersIsRefused()
    {
        QFETCH(int, mode);
        QFETCH(QString, shown);
        QTemporaryDir dir;
        const std::string path = writeKeyFile(dir, "sk-secret-in-open-file", static_cast<mode_t>(mode));
        ::setenv(kFileVariable, path.c_str(), 1);
        try {
            apiKeyFromEnvironment(kVariable);
            QFAIL("a key file open to others was accepted");
        } catch (const rlrf::Error &e) {
            const std::string message = e.what();
            QVERIFY2(message.find(path) != std::string::npos, e.what());
            QVERIFY2(message.find(kFileVariable) != std::string::npos, e.what());
            QVERIFY2(message.find("mode " + shown.toStdString()) != std::string::npos, e.what());
            QVERIFY2(message.find("chmod 600") != std::string::npos, e.what());
            QVERIFY2(message.find("sk-secret") == std::string::npos, e.what());
        }
    }

    void unusableFilesAreNamed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << QStringLiteral("missing") << QStringLiteral("does not exist");
        QTest::newRow("empty") << QStringLiteral("empty") << QStringLiteral("is empty");
        QTest::newRow("folder") << QStringLiteral("folder") << QStringLiteral("not a regular file");
        QTest::newRow("two lines") << QStringLiteral("two lines") << QStringLiteral("must be one line");
    }

    void unusableFilesAreNamed()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        std::string path = dir.filePath(QStringLiteral("absent.txt")).toStdString();
        if (kind == QLatin1String("empty"))
            path = writeKeyFile(dir, "\n", 0600);
        else if (kind == QLatin1String("folder"))
            path = dir.path().toStdString();
        else if (kind == QLatin1String("two lines"))
            path = writeKeyFile(dir, "sk-one\nsk-two\n", 0600);
        RLRF_VERIFY_THROWS_WITH(readApiKeyFile(path), expected.toStdString());
        RLRF_VERIFY_THROWS_WITH(readApiKeyFile(path), path);
    }

    // A key file owned by someone else (which another user could swap or read) is
    // refused, even with mode 0600. Making such a file needs root to chown it.
    void fileOfAnotherUserIsRefused()
    {
        if (::geteuid() != 0)
            QSKIP("needs root to give the key file to another user (chown); run the suite as root to cover it");
        QTemporaryDir dir;
        const std::string path = writeKeyFile(dir, "sk-secret-of-someone-else", 0600);
        const uid_t other = 65534; // nobody
        QCOMPARE(::chown(path.c_str(), other, static_cast<gid_t>(-1)), 0);
        ::setenv(kFileVariable, path.c_str(), 1);
        try {
            apiKeyFromEnvironment(kVariable);
            QFAIL("a key file of another user was accepted");
        } catch (const rlrf::Error &e) {
            QCOMPARE(std::string(e.what()), path + ": '" + kFileVariable
                                                + "': the API key file belongs to another user; it must be owned by "
                                                  "the user running rlrf");
        }
        RLRF_VERIFY_THROWS_WITH(readApiKeyFile(path), "belongs to another user");
        // The file is left as it was.
        struct stat info{};
        QCOMPARE(::stat(path.c_str(), &info), 0);
        QCOMPARE(info.st_uid, other);
        QCOMPARE(int(info.st_mode & 0777), 0600);
    }

    void keyWithLineBreakCannotReachAHeader()
    {
        ::setenv(kVariable, "sk-abc\r\nX-Injected: 1", 1);
        RLRF_VERIFY_THROWS_WITH(apiKeyFromEnvironment(kVariable), "$RLRF_TEST_KEY_SOURCE contains a line break");
        EndpointConfig c;
        c.baseUrl = "http://127.0.0.1:9";
        c.model = "m";
        c.apiKey = "sk-abc\nX-Injected: 1";
        RLRF_VERIFY_THROWS_WITH(ChatEndpoint{c}, "must be one line");
    }

    void redactionReplacesEveryOccurrence()
    {
        QCOMPARE(redactSecret("Bearer sk-1 and sk-1.", "sk-1"), std::string("Bearer [redacted] and [redacted]."));
        QCOMPARE(redactSecret("nothing here", "sk-1"), std::string("nothing here"));
        QCOMPARE(redactSecret("no key set", ""), std::string("no key set"));
        // A secret that occurs inside the mark itself cannot loop forever.
        QCOMPARE(redactSecret("ed ed", "ed"), std::string("[redacted] [redacted]"));
    }

    void handedInKeyIsSentAndEnvironmentIgnored()
    {
        ::setenv(kVariable, "sk-from-environment", 1);
        LocalHttpServer server([](const HttpRequest &, int) { return HttpReply{200, completion("OK")}; });
        EndpointConfig c = configFor(server);
        c.apiKey = "sk-from-keychain";
        const auto result = probeEndpoint(c);
        QCOMPARE(result.reply, std::string("OK"));
        QCOMPARE(server.requests().at(0).header("authorization"), std::string("Bearer sk-from-keychain"));
    }

    void withoutVariableNoHeaderIsSent()
    {
        ::setenv(kVariable, "sk-from-environment", 1);
        LocalHttpServer server([](const HttpRequest &, int) { return HttpReply{200, completion("OK")}; });
        EndpointConfig c = configFor(server);
        c.apiKeyEnv.clear(); // how the GUI asks for "no key" when none is stored
        probeEndpoint(c);
        QCOMPARE(server.requests().at(0).header("authorization"), std::string());
    }

    void keyFileReachesTheServer()
    {
        QTemporaryDir dir;
        ::setenv(kFileVariable, writeKeyFile(dir, "sk-file-key-77\n", 0600).c_str(), 1);
        LocalHttpServer server([](const HttpRequest &, int) { return HttpReply{200, completion("OK")}; });
        probeEndpoint(configFor(server));
        QCOMPARE(server.requests().at(0).header("authorization"), std::string("Bearer sk-file-key-77"));
    }

    void probeReportsTheReplyAndTheRequestIsTiny()
    {
        LocalHttpServer server([](const HttpRequest &, int) { return HttpReply{200, completion("OK, ready.")}; });
        const auto result = probeEndpoint(configFor(server));
        QCOMPARE(result.reply, std::string("OK, ready."));
        QCOMPARE(result.url, server.baseUrl() + "/v1/chat/completions");
        QVERIFY(result.seconds >= 0.0 && result.seconds < 5.0);
        const auto body = nlohmann::json::parse(server.requests().at(0).body);
        QCOMPARE(body["model"].get<std::string>(), std::string("judge-small"));
        QCOMPARE(body["max_tokens"].get<int>(), 8);
        QCOMPARE(body["messages"].size(), size_t(1));
    }

    void probeFailureIsNotRetriedAndHidesAnEchoedKey()
    {
        ::setenv(kVariable, "sk-wrong-key-0042", 1);
        // A server that echoes the rejected header, as some proxies do.
        LocalHttpServer server([](const HttpRequest &request, int) {
            return HttpReply{401, "{\"error\": \"invalid credentials: " + request.header("authorization") + "\"}"};
        });
        try {
            probeEndpoint(configFor(server));
            QFAIL("a 401 was reported as success");
        } catch (const rlrf::Error &e) {
            const std::string message = e.what();
            QVERIFY2(message.find("HTTP 401") != std::string::npos, e.what());
            QVERIFY2(message.find(server.baseUrl() + "/v1/chat/completions") != std::string::npos, e.what());
            QVERIFY2(message.find("Bearer [redacted]") != std::string::npos, e.what());
            QVERIFY2(message.find("sk-wrong-key-0042") == std::string::npos, e.what());
        }
        QCOMPARE(server.requestCount(), 1);
    }

    void probeOfAClosedPortNamesTheUrl()
    {
        EndpointConfig c;
        c.baseUrl = "http://127.0.0.1:1";
        c.model = "m";
        c.apiKeyEnv.clear();
        c.connectTimeoutSeconds = 2.0;
        RLRF_VERIFY_THROWS_WITH(probeEndpoint(c), "endpoint http://127.0.0.1:1/v1/chat/completions: connection failed");
    }
};

QTEST_GUILESS_MAIN(TestApiKeySource)
#include "tst_api_key_source.moc"
