// The language-model judge behind a remote endpoint, against a real HTTP server on 127.0.0.1 speaking the OpenAI chat
// format: good answers, slow replies, 500s, malformed JSON, dropped connections,
// unparsable judge text, the concurrency limit and cancellation.
#include "common/local_http_server.h"
#include "common/test_rubrics.h"

#include "core/error.h"
#include "feedback/chat_endpoint.h"
#include "feedback/lm_judge.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <cstdlib>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

using namespace rlrf::feedback;
using rlrf::test::HttpReply;
using rlrf::test::HttpRequest;
using rlrf::test::LocalHttpServer;

namespace {

const char *kGoodRatings =
    "{\"ratings\": [{\"aspect\": \"Factuality\", \"rating\": 3, \"rationale\": \"numbers from the story\"},"
    "{\"aspect\": \"Logical Correctness\", \"rating\": 2, \"rationale\": \"step 2 slips\"},"
    "{\"aspect\": \"Completeness\", \"rating\": 3, \"rationale\": \"all steps\"},"
    "{\"aspect\": \"Comprehension\", \"rating\": 3, \"rationale\": \"right operations\"},"
    "{\"aspect\": \"Readability\", \"rating\": RATING, \"rationale\": \"format\"}]}";

std::string completion(const std::string &content)
{
    return nlohmann::json{{"id", "cmpl-1"},
                          {"object", "chat.completion"},
                          {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}},
                                        {"finish_reason", "stop"}}}}}
        .dump();
}

std::string goodRatings(int readability = 3)
{
    std::string s = kGoodRatings;
    s.replace(s.find("RATING"), 6, std::to_string(readability));
    return s;
}

std::shared_ptr<ChatEndpoint> endpoint(const EndpointConfig &config)
{
    return std::make_shared<ChatEndpoint>(config);
}

EndpointConfig configFor(const LocalHttpServer &server)
{
    EndpointConfig c;
    c.baseUrl = server.baseUrl() + "/v1";
    c.model = "judge-7b";
    c.apiKeyEnv = "RLRF_TEST_JUDGE_KEY";
    c.backoffSeconds = 0.01;
    c.maxBackoffSeconds = 0.05;
    c.requestTimeoutSeconds = 2.0;
    c.connectTimeoutSeconds = 1.0;
    return c;
}

const JudgeRequest kRequest{"Tom has 3 apples and buys 4 more. How many?", "3 + 4 = 7\nAnswer: 7", std::nullopt};

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    ::close(fd); // nothing listens there now
    return ntohs(addr.sin_port);
}

} // namespace

class TestEndpointJudge : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void goodAnswerIsParsedAndRequestIsOpenAIShaped()
    {
        ::setenv("RLRF_TEST_JUDGE_KEY", "sk-test-123", 1);
        LocalHttpServer server([](const HttpRequest &, int) { return HttpReply{200, completion(goodRatings())}; });
        LanguageModelJudge judge(endpoint(configFor(server)));
        const Critique c = judge.judge(kRequest, rlrf::test::eightAspectRubric());
        ::unsetenv("RLRF_TEST_JUDGE_KEY");
        QCOMPARE(int(c.parseStatus), int(ParseStatus::Ok));
        QCOMPARE(c.aspects[1].rating, 2);
        QCOMPARE(c.aspects[1].rationale, std::string("step 2 slips"));
        // Ratings 3, 2, 3, 3, 3 on the five applicable aspects, equal weights.
        QVERIFY(std::abs(c.overall - (4 * 1.0 + 0.5) / 5) < 1e-12);
        QCOMPARE(c.judge, "endpoint:" + server.baseUrl() + "/v1#judge-7b");
        const auto requests = server.requests();
        QCOMPARE(requests.size(), size_t(1));
        QCOMPARE(requests[0].method, std::string("POST"));
        QCOMPARE(requests[0].path, std::string("/v1/chat/completions"));
        QCOMPARE(requests[0].header("authorization"), std::string("Bearer sk-test-123"));
        const auto body = nlohmann::json::parse(requests[0].body);
        QCOMPARE(body["model"].get<std::string>(), std::string("judge-7b"));
        QCOMPARE(body["messages"][0]["role"].get<std::string>(), std::string("system"));
        QVERIFY(body["messages"][1]["content"].get<std::string>().find("Tom has 3 apples") != std::string::npos);
    }

    void transientFailuresAreRetried_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("HTTP 500") << 0;
        QTest::newRow("HTTP 429") << 1;
        QTest::newRow("malformed JSON") << 2;
        QTest::newRow("dropped connection") << 3;
        QTest::newRow("slow reply past the timeout") << 4;
    }

    void transientFailuresAreRetried()
    {
        QFETCH(int, mode);
        LocalHttpServer server([mode](const HttpRequest &, int n) {
            if (n > 2)
                return HttpReply{200, completion(goodRatings())};
            switch (mode) {
            case 0: return HttpReply{500, "{\"error\": \"overloaded\"}"};
            case 1: return HttpReply{429, "{\"error\": \"rate limited\"}"};
            case 2: return HttpReply{200, "{\"choices\": [{\"message\": "};
            case 3: { HttpReply r; r.drop = true; return r; }
            default: { HttpReply r{200, completion(goodRatings())}; r.delayMs = 2500; return r; }
            }
        });
        LanguageModelJudge judge(endpoint(configFor(server)));
        const Critique c = judge.judge(kRequest, rlrf::test::eightAspectRubric());
        QCOMPARE(int(c.parseStatus), int(ParseStatus::Ok));
        QCOMPARE(server.requestCount(), 3);
    }

    void persistentFailureNamesUrlAndCause()
    {
        LocalHttpServer server([](const HttpRequest &, int) { return HttpReply{503, "{\"error\": \"down for maintenance\"}"}; });
        LanguageModelJudge judge(endpoint(configFor(server)));
        try {
            judge.judge(kRequest, rlrf::test::eightAspectRubric());
            QFAIL("must throw");
        } catch (const rlrf::Error &e) {
            const std::string what = e.what();
            QVERIFY2(what.find(server.baseUrl() + "/v1/chat/completions") != std::string::npos, e.what());
            QVERIFY2(what.find("HTTP 503") != std::string::npos, e.what());
            QVERIFY2(what.find("down for maintenance") != std::string::npos, e.what());
            QVERIFY2(what.find("after 4 attempts") != std::string::npos, e.what());
        }
        QCOMPARE(server.requestCount(), 4);
    }

    void clientErrorsAreNotRetried()
    {
        LocalHttpServer server([](const HttpRequest &, int) { return HttpReply{401, "{\"error\": \"invalid api key\"}"}; });
        LanguageModelJudge judge(endpoint(configFor(server)));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, judge.judge(kRequest, rlrf::test::eightAspectRubric()));
        QCOMPARE(server.requestCount(), 1);
    }

    void unreachableEndpointFailsClearly()
    {
        EndpointConfig config;
        config.baseUrl = "http://127.0.0.1:" + std::to_string(freePort());
        config.model = "m";
        config.maxRetries = 1;
        config.backoffSeconds = 0.01;
        LanguageModelJudge judge(endpoint(config));
        try {
            judge.judge(kRequest, rlrf::test::eightAspectRubric());
            QFAIL("must throw");
        } catch (const rlrf::Error &e) {
            QVERIFY2(std::string(e.what()).find("connection failed") != std::string::npos, e.what());
        }
    }

    void missingUrlOrModelIsNamed()
    {
        EndpointConfig config;
        config.model = "judge-7b";
        try {
            (void)ChatEndpoint(config);
            QFAIL("an endpoint without a URL was made");
        } catch (const rlrf::Error &e) {
            QCOMPARE(std::string(e.what()), std::string("endpoint: no base URL given"));
        }
        config.baseUrl = "http://127.0.0.1:9/v1";
        config.model.clear();
        try {
            (void)ChatEndpoint(config);
            QFAIL("an endpoint without a model was made");
        } catch (const rlrf::Error &e) {
            QCOMPARE(std::string(e.what()),
                     std::string("endpoint http://127.0.0.1:9/v1/chat/completions: no model name given"));
        }
    }

    // A server that takes the connection and never answers: each attempt ends at
    // the request timeout, and the last error says so and counts the attempts.
    void everyAttemptTimingOutIsNamed()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        QCOMPARE(::listen(fd, 8), 0); // the kernel completes the handshakes; nobody reads
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
        EndpointConfig config;
        config.baseUrl = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/v1";
        config.model = "judge-7b";
        config.maxRetries = 1;
        config.backoffSeconds = 0.01;
        config.connectTimeoutSeconds = 1.0;
        config.requestTimeoutSeconds = 0.3;
        LanguageModelJudge judge(endpoint(config));
        QElapsedTimer timer;
        timer.start();
        try {
            judge.judge(kRequest, rlrf::test::eightAspectRubric());
            QFAIL("must throw");
        } catch (const rlrf::Error &e) {
            const std::string what = e.what();
            QVERIFY2(what.rfind("endpoint " + config.baseUrl + "/chat/completions: timed out: ", 0) == 0, e.what());
            QVERIFY2(what.find("(after 2 attempts)") != std::string::npos, e.what());
        }
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QStringLiteral("%1 ms").arg(timer.elapsed())));
        ::close(fd);
    }

    void unparsableAnswerIsRetriedOnceThenRecorded()
    {
        LocalHttpServer server([](const HttpRequest &, int) { return HttpReply{200, completion("Looks fine to me! 3/3")}; });
        LanguageModelJudge judge(endpoint(configFor(server)));
        const Critique c = judge.judge(kRequest, rlrf::test::eightAspectRubric());
        QCOMPARE(int(c.parseStatus), int(ParseStatus::Failed));
        QVERIFY(c.aspects.empty());
        QVERIFY(c.rawOutput.find("Looks fine to me") != std::string::npos);
        QVERIFY(c.rawOutput.find("----- retry -----") != std::string::npos);
        QCOMPARE(server.requestCount(), 2);
        QCOMPARE(judge.parseFailures(), 1);

        LocalHttpServer flaky([](const HttpRequest &, int n) {
            return HttpReply{200, completion(n == 1 ? "Looks fine" : goodRatings())};
        });
        LanguageModelJudge second(endpoint(configFor(flaky)));
        QCOMPARE(int(second.judge(kRequest, rlrf::test::eightAspectRubric()).parseStatus), int(ParseStatus::Ok));
        QCOMPARE(second.parseRetries(), 1);
        QCOMPARE(second.parseFailures(), 0);
    }

    void batchHonoursConcurrencyAndOrder()
    {
        // The readability rating echoes the request's index, so order is checkable.
        LocalHttpServer server([](const HttpRequest &request, int) {
            const auto body = nlohmann::json::parse(request.body);
            const std::string user = body["messages"][1]["content"];
            const int index = user[user.find("Answer: ") + 8] - '0';
            HttpReply r{200, completion(goodRatings(1 + index % 3))};
            r.delayMs = 150;
            return r;
        });
        EndpointConfig config = configFor(server);
        config.concurrency = 3;
        LanguageModelJudge judge(endpoint(config));
        std::vector<JudgeRequest> requests;
        for (int i = 0; i < 9; ++i)
            requests.push_back({"q", "Answer: " + std::to_string(i), std::nullopt});
        rlrf::RunContext context;
        std::int64_t lastDone = 0;
        context.onProgress = [&](const rlrf::Progress &p) { lastDone = std::max(lastDone, p.done); };
        const auto critiques = judge.judgeBatch(requests, rlrf::test::eightAspectRubric(), context);
        QCOMPARE(critiques.size(), size_t(9));
        for (int i = 0; i < 9; ++i)
            QCOMPARE(critiques[i].aspects[6].rating, 1 + i % 3);
        QCOMPARE(lastDone, std::int64_t(9));
        QVERIFY2(server.maxConcurrent() <= 3, qPrintable(QString::number(server.maxConcurrent())));
        QVERIFY(server.maxConcurrent() >= 2);
    }

    void batchStopsOnCancel()
    {
        rlrf::RunContext context;
        LocalHttpServer server([&context](const HttpRequest &, int n) {
            if (n == 2)
                context.cancel.requestStop();
            return HttpReply{200, completion(goodRatings())};
        });
        EndpointConfig config = configFor(server);
        config.concurrency = 1;
        LanguageModelJudge judge(endpoint(config));
        const std::vector<JudgeRequest> requests(10, kRequest);
        const auto critiques = judge.judgeBatch(requests, rlrf::test::eightAspectRubric(), context);
        QCOMPARE(critiques.size(), size_t(2));
        QCOMPARE(server.requestCount(), 2);
    }
};

QTEST_GUILESS_MAIN(TestEndpointJudge)
#include "tst_endpoint_judge.moc"
