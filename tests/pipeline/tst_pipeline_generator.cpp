// SPDX-License-Identifier: GPL-3.0-or-later
// Sampling and refinement on an OpenAI-compatible server (--generator
// endpoint:URL#MODEL), against a real HTTP server on 127.0.0.1: the stored
// candidates and refinements are the server's replies, in request order, with the
// generator recorded and no local checkpoint claimed; the requests carry the
// stage's conversations and the run's temperature, top_p, max tokens and a seed
// each, with the generator's own API key; the judge (the arith rule judge) and
// DPO still run here, on the project's model, over the server's text. A stop
// mid-batch keeps only whole batches and a resume completes the stage without
// duplicates. An unreachable server, an HTTP error and a reply without content
// fail the run with a message naming the URL and the cause, storing nothing.
//
// The fake server answers an arith problem with its canonical solution when the
// request's seed is even and with a one-step slip when it is odd (so the two
// samples of a prompt differ and make a pair), and every refinement request with
// the canonical solution.
#include "common/cli_runner.h"
#include "common/arith_project_fixture.h"
#include "common/error_assert.h"
#include "common/local_http_server.h"
#include "common/pipeline_fixture.h"
#include "common/test_paths.h"

#include "model/text_model.h"
#include "pipeline/run/endpoint_generation.h"
#include "pipeline/run/rlrf_run.h"
#include "pipeline/run/run_option_table.h"
#include "pipeline/run/stage_env.h"
#include "pipeline/run/stage_generation.h"
#include "store/candidate_repository.h"
#include "store/checkpoint_repository.h"
#include "store/critique_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/run_repository.h"
#include "store/stage_repository.h"
#include "tasks/arith/arith_task.h"
#include "types/critique_text.h"
#include "types/prompt_formats.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace rlrf;
using test::HttpReply;
using test::HttpRequest;
using test::LocalHttpServer;
namespace stages = rlrf::pipeline::stages;

namespace {

std::string completion(const std::string &content)
{
    return nlohmann::json{{"id", "cmpl-1"},
                          {"object", "chat.completion"},
                          {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}},
                                        {"finish_reason", "stop"}}}}}
        .dump();
}

// One request the fake server answered, and what it said.
struct Seen {
    nlohmann::json body;
    std::string authorization;
    std::string reply;
    bool refinement = false;
};

// A policy behind an OpenAI-compatible API that knows the arith problems it is
// asked about (it finds the problem's story in the user message).
class FakePolicy {
public:
    explicit FakePolicy(std::vector<std::string> prompts) : m_prompts(std::move(prompts)) {}

    HttpReply answer(const HttpRequest &request)
    {
        Seen seen;
        seen.body = nlohmann::json::parse(request.body);
        seen.authorization = request.header("authorization");
        const std::string user = seen.body["messages"].back()["content"];
        seen.refinement = user.find(prompts::kRefineInstruction) != std::string::npos;
        const std::string *prompt = nullptr;
        for (const auto &p : m_prompts)
            if (user.find(p) != std::string::npos)
                prompt = &p;
        if (!prompt)
            return {400, R"({"error": "unknown problem"})"};
        const bool evenSeed = seen.body.value("seed", std::uint64_t(1)) % 2 == 0;
        seen.reply = seen.refinement || evenSeed ? tasks::ArithTask::problemFromPrompt(*prompt).canonical()
                                                 : test::slippedAnswer(*prompt);
        std::lock_guard lock(m_mutex);
        m_seen.push_back(seen);
        return {200, completion(seen.reply)};
    }

    std::vector<Seen> seen() const
    {
        std::lock_guard lock(m_mutex);
        return m_seen;
    }

private:
    std::vector<std::string> m_prompts;
    mutable std::mutex m_mutex;
    std::vector<Seen> m_seen;
};

std::vector<std::string> trainPrompts(const std::string &path)
{
    auto project = store::Project::open(path);
    std::vector<std::string> out;
    store::PageRequest all;
    all.limit = 1000;
    for (const auto &p : store::PromptRepository(project.db()).page(all))
        out.push_back(p.text);
    return out;
}

QString demoModel()
{
    return test::sourceDir() + QStringLiteral("/resources/models/arith-demo");
}

int closedPort()
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

pipeline::PipelineOptions generatorOptions(const std::string &baseUrl)
{
    auto o = test::tinyOptions();
    o.promptsPerIteration = 4;
    o.samples = 2;
    o.refinements = 2;
    o.batchPrompts = 2;
    o.temperature = 0.7;
    o.topP = 0.9;
    o.refineTemperature = 0.5;
    o.maxNewTokens = 48;
    o.generator = "endpoint:" + baseUrl + "/v1#policy-7b";
    o.generatorRequests = 3;
    return o;
}

// The replies to `prompt`'s sample requests, by seed: the order the stage stores them.
std::vector<std::string> sampleRepliesFor(const std::vector<Seen> &seen, const std::string &prompt)
{
    std::map<std::uint64_t, std::string> bySeed;
    for (const auto &s : seen)
        if (!s.refinement && s.body["messages"] == nlohmann::json(prompts::answerMessages(prompt)))
            bySeed[s.body["seed"].get<std::uint64_t>()] = s.reply;
    std::vector<std::string> out;
    for (const auto &[seed, reply] : bySeed)
        out.push_back(reply);
    return out;
}

struct FailedRun {
    pipeline::PipelineResult result;
    std::int64_t candidates = 0;
    store::RunRecord record;
};

FailedRun runExpectingFailure(const test::PipelineProject &project, const pipeline::PipelineOptions &options)
{
    FailedRun out;
    out.result = pipeline::runPipeline({project.path, options, true, {}}, RunContext{});
    auto file = store::Project::open(project.path);
    out.candidates = store::CandidateRepository(file.db()).count();
    out.record = store::RunRepository(file.db()).byId(out.result.runId);
    return out;
}

} // namespace

class TestPipelineGenerator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void samplesAndRefinementsComeFromTheServer()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("served"), 4, 0, demoModel());
        FakePolicy policy(trainPrompts(project.path));
        LocalHttpServer server([&policy](const HttpRequest &r, int) {
            auto reply = policy.answer(r);
            reply.delayMs = 30; // long enough for requests to overlap
            return reply;
        });
        // The generator's key goes to the generator; the judge's key never does.
        ::setenv("RLRF_GENERATOR_API_KEY", "sk-generator", 1);
        ::setenv("RLRF_API_KEY", "sk-judge", 1);
        const auto options = generatorOptions(server.baseUrl());
        const auto result = pipeline::runPipeline({project.path, options, false, {}}, RunContext{});
        ::unsetenv("RLRF_GENERATOR_API_KEY");
        ::unsetenv("RLRF_API_KEY");
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        QCOMPARE(result.iterationsDone, 1); // DPO ran here on the server's answers

        const auto seen = policy.seen();
        auto file = store::Project::open(project.path);
        store::StageRepository stageItems(file.db());
        store::CandidateRepository candidates(file.db());
        store::PromptRepository prompts(file.db());
        store::CritiqueRepository critiques(file.db());
        const auto tokenizer = model::TextModel::load(project.modelDir);
        const std::string generator = options.generator;

        // Every request: the served model, the generator's key, stream off, a seed below 2^31.
        int sampleRequests = 0, refineRequests = 0;
        for (const auto &s : seen) {
            QCOMPARE(s.body["model"].get<std::string>(), std::string("policy-7b"));
            QCOMPARE(s.authorization, std::string("Bearer sk-generator"));
            QCOMPARE(s.body["stream"].get<bool>(), false);
            QCOMPARE(s.body["max_tokens"].get<int>(), 48);
            QCOMPARE(s.body["top_p"].get<double>(), 0.9);
            QVERIFY(s.body["seed"].get<std::uint64_t>() < (std::uint64_t(1) << 31));
            QCOMPARE(s.body["temperature"].get<double>(), s.refinement ? 0.5 : 0.7);
            ++(s.refinement ? refineRequests : sampleRequests);
        }
        QCOMPARE(sampleRequests, 4 * 2);
        QVERIFY2(server.maxConcurrent() <= 3, qPrintable(QString::number(server.maxConcurrent())));
        QVERIFY2(server.maxConcurrent() >= 2, "requests were never in flight together");

        // Samples: per prompt exactly the server's replies, in request (seed) order.
        const store::StageKey sampleKey{result.runId, 0, stages::kSample};
        QCOMPARE(stageItems.donePrompts(sampleKey).size(), std::size_t(4));
        for (const auto promptId : stageItems.donePrompts(sampleKey)) {
            const auto text = prompts.byId(promptId).text;
            std::vector<std::string> stored;
            for (const auto id : stageItems.items(sampleKey, promptId)) {
                const auto c = candidates.byId(id);
                stored.push_back(c.text);
                QVERIFY(!c.checkpointId); // the server's model is no checkpoint of this project
                QCOMPARE(c.iteration, 0);
                QCOMPARE(c.tokenCount, static_cast<std::int64_t>(tokenizer.encode(c.text).size()));
                const auto params = nlohmann::json::parse(c.samplingParamsJson);
                QCOMPARE(params["generator"].get<std::string>(), generator);
                QCOMPARE(params["temperature"].get<double>(), 0.7);
                QCOMPARE(params["top_p"].get<double>(), 0.9);
                QCOMPARE(params["max_new_tokens"].get<std::int64_t>(), std::int64_t(48));
                QCOMPARE(params["n"].get<std::int64_t>(), std::int64_t(2));
            }
            QCOMPARE(stored, sampleRepliesFor(seen, text));
        }

        // Refinements: each one is the reply to a request that showed the stage's
        // refinement conversation (the prompt, its parent, the critique's feedback).
        const store::StageKey refineKey{result.runId, 0, stages::kRefine};
        const auto refined = stageItems.items(refineKey);
        QCOMPARE(static_cast<int>(refined.size()), refineRequests);
        QCOMPARE(refineRequests, 4 * 2); // one slipped sample per prompt, refined twice
        for (const auto id : refined) {
            const auto c = candidates.byId(id);
            QVERIFY(c.parentCandidateId && c.critiqueUsedId);
            QVERIFY(!c.checkpointId);
            const auto params = nlohmann::json::parse(c.samplingParamsJson);
            QCOMPARE(params["generator"].get<std::string>(), generator);
            QCOMPARE(params["refinement"].get<bool>(), true);
            QCOMPARE(params["temperature"].get<double>(), 0.5);
            const auto expected = nlohmann::json(prompts::refinementMessages(
                prompts.byId(c.promptId).text, candidates.byId(*c.parentCandidateId).text,
                feedback::refinementFeedback(critiques.byId(*c.critiqueUsedId).critique)));
            int matching = 0;
            for (const auto &s : seen)
                if (s.refinement && s.body["messages"] == expected) {
                    ++matching;
                    QCOMPARE(c.text, s.reply);
                }
            QCOMPARE(matching, 2); // its two refinement requests
        }

        // The local judge rated the server's answers, and M1 was trained here from them.
        QCOMPARE(stageItems.items({result.runId, 0, stages::kCritique}).size(), std::size_t(8));
        QVERIFY(stageItems.isDone({result.runId, 0, stages::kTrain}));
        store::CheckpointRepository checkpoints(file.db());
        QCOMPARE(checkpoints.list().back().iteration, 1);
        QVERIFY(file.integrityProblems().empty());
    }

    // Stopped while the second batch's requests are out: that batch is dropped
    // whole, the first stays; started again, the run finishes the stage with every
    // prompt's two samples exactly once.
    void stopMidBatchThenResume()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("stopped"), 4, 0, demoModel());
        FakePolicy policy(trainPrompts(project.path));
        RunContext first;
        LocalHttpServer server([&](const HttpRequest &r, int n) {
            if (n == 3)
                first.cancel.requestStop(); // the first request of the second batch
            return policy.answer(r);
        });
        auto options = generatorOptions(server.baseUrl());
        options.batchPrompts = 1;
        options.generatorRequests = 1;
        options.sft.epochs = 0;
        const auto stopped = pipeline::runPipeline({project.path, options, false, {}}, first);
        QVERIFY2(stopped.outcome == Outcome::Cancelled, stopped.message.c_str());
        QCOMPARE(server.requestCount(), 3); // nothing asked after the stop
        const store::StageKey sampleKey{stopped.runId, 0, stages::kSample};
        {
            auto file = store::Project::open(project.path);
            QCOMPARE(store::CandidateRepository(file.db()).count(), std::int64_t(2));
            QCOMPARE(store::StageRepository(file.db()).donePrompts(sampleKey).size(), std::size_t(1));
        }
        const auto resumed = pipeline::runPipeline({project.path, options, false, {}}, RunContext{});
        QVERIFY2(resumed.outcome == Outcome::Succeeded, resumed.message.c_str());
        QVERIFY(resumed.resumed);
        QCOMPARE(resumed.runId, stopped.runId);
        auto file = store::Project::open(project.path);
        store::StageRepository stageItems(file.db());
        QCOMPARE(stageItems.donePrompts(sampleKey).size(), std::size_t(4));
        QCOMPARE(stageItems.items(sampleKey).size(), std::size_t(8));
        QCOMPARE(stageItems.duplicateItems(sampleKey), std::int64_t(0));
        QCOMPARE(store::CandidateRepository(file.db()).countSamples(), std::int64_t(8));
    }

    void serverFaultsFailTheRunWithTheUrlAndCause_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("cause");
        QTest::newRow("HTTP 500") << 0 << QStringLiteral("HTTP 500: {\"error\": \"CUDA out of memory\"} (after 4 attempts)");
        QTest::newRow("reply without content")
            << 1 << QStringLiteral("reply without message content (no 'content', finish_reason length)");
        QTest::newRow("content null") << 2 << QStringLiteral("reply without message content (non-text 'content'");
        QTest::newRow("unknown model") << 3 << QStringLiteral("HTTP 404 (not retried): {\"error\": \"model 'policy-7b' not found\"}");
    }

    void serverFaultsFailTheRunWithTheUrlAndCause()
    {
        QFETCH(int, mode);
        QFETCH(QString, cause);
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("fault%1").arg(mode), 2, 0, demoModel());
        LocalHttpServer server([mode](const HttpRequest &, int) {
            switch (mode) {
            case 0: return HttpReply{500, R"({"error": "CUDA out of memory"})"};
            case 1: return HttpReply{200, R"({"choices": [{"index": 0, "message": {"role": "assistant"}, "finish_reason": "length"}]})"};
            case 2: return HttpReply{200, R"({"choices": [{"index": 0, "message": {"role": "assistant", "content": null}, "finish_reason": "stop"}]})"};
            default: return HttpReply{404, R"({"error": "model 'policy-7b' not found"})"};
            }
        });
        const auto failed = runExpectingFailure(project, generatorOptions(server.baseUrl()));
        QVERIFY(failed.result.outcome == Outcome::Failed);
        const std::string url = server.baseUrl() + "/v1/chat/completions";
        QVERIFY2(failed.result.message.rfind("endpoint " + url + ": ", 0) == 0, failed.result.message.c_str());
        QVERIFY2(failed.result.message.find(cause.toStdString()) != std::string::npos, failed.result.message.c_str());
        QCOMPARE(failed.candidates, std::int64_t(0)); // a failed batch stores nothing
        QVERIFY(failed.record.status == store::RunStatus::Failed);
        QCOMPARE(failed.record.message, failed.result.message);
    }

    void unreachableServerIsNamedOnTheCommandLine()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("unreachable"), 2, 0, demoModel());
        const std::string base = "http://127.0.0.1:" + std::to_string(closedPort());
        const auto r = test::runCli({QStringLiteral("run"), QString::fromStdString(project.path),
                                     QStringLiteral("--iterations"), QStringLiteral("1"), QStringLiteral("--prompts"),
                                     QStringLiteral("2"), QStringLiteral("--eval-n"), QStringLiteral("0"),
                                     QStringLiteral("--generator"), QString::fromStdString("endpoint:" + base + "/v1#m")});
        QCOMPARE(r.exitCode, 1);
        const QByteArray expected = QByteArray::fromStdString("endpoint " + base + "/v1/chat/completions: connection failed: ");
        QVERIFY2(r.err.contains(expected), r.err.constData());
        QVERIFY2(r.err.contains("(after 4 attempts)"), r.err.constData());
        auto file = store::Project::open(project.path);
        QCOMPARE(store::CandidateRepository(file.db()).count(), std::int64_t(0));
    }

    void badGeneratorSpecsAreNamed()
    {
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"generator", "vllm"}}, "Run form"),
                                "'generator': unknown generator 'vllm' (endpoint:URL#MODEL, or empty: the local policy M_i)");
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"generator", "endpoint:http://127.0.0.1:8000"}}),
                                "'generator': an endpoint generator is written endpoint:URL#MODEL, got "
                                "'endpoint:http://127.0.0.1:8000'");
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"generator-requests", "0"}}),
                                "'--generator-requests': must be 1 to 256, got 0");
        const auto r = test::runCli({QStringLiteral("run"), QStringLiteral("nowhere.rlrf"), QStringLiteral("--generator"),
                                     QStringLiteral("endpoint:#m")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("an endpoint generator is written endpoint:URL#MODEL"), r.err.constData());
        // A run stored before the setting existed reads as a local one.
        auto stored = pipeline::toJson(pipeline::PipelineOptions{});
        stored.erase("generator");
        stored.erase("generator_requests");
        QVERIFY(pipeline::pipelineOptionsFromJson(stored, "run 1").generator.empty());
    }

    // The requests of one batch: n per conversation, conversation by conversation,
    // distinct seeds below 2^31; greedy requests send no top_p.
    void requestsPerAnswer()
    {
        const std::vector<prompts::Messages> conversations = {prompts::answerMessages("a"), prompts::answerMessages("b")};
        pipeline::AnswerSettings s;
        s.n = 3;
        s.temperature = 0.8;
        s.topP = 0.95;
        s.maxNewTokens = 100;
        s.seed = (std::uint64_t(1) << 62) + 5;
        const auto requests = pipeline::answerRequests(conversations, s);
        QCOMPARE(requests.size(), std::size_t(6));
        std::set<std::uint64_t> seeds;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            QCOMPARE(requests[i].messages, nlohmann::json(conversations[i / 3]));
            QCOMPARE(*requests[i].topP, 0.95);
            QCOMPARE(requests[i].maxTokens, 100);
            QVERIFY(*requests[i].seed < (std::uint64_t(1) << 31));
            seeds.insert(*requests[i].seed);
        }
        QCOMPARE(seeds.size(), std::size_t(6));
        s.topP.reset();
        s.temperature = 0.0;
        feedback::EndpointConfig config;
        config.baseUrl = "http://127.0.0.1:9";
        config.model = "m";
        config.apiKeyEnv.clear();
        const feedback::ChatEndpoint endpoint(config);
        const auto body = endpoint.requestBody(pipeline::answerRequests(conversations, s).front());
        QVERIFY(!body.contains("top_p"));
        QCOMPARE(body["temperature"].get<double>(), 0.0);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestPipelineGenerator)
#include "tst_pipeline_generator.moc"
