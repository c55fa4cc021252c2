// SPDX-License-Identifier: GPL-3.0-or-later
// A real model folder (stories260K) on real GSM8K questions with a remote judge
// (an OpenAI-compatible endpoint on 127.0.0.1) goes through the same stages as
// the demo, including the review gate: without auto-approve the run stops with
// pairs pending; a reviewer approves or rejects them; started again, the run
// trains M1 on the approved pairs and evaluates M0 and M1 on GSM8K test
// questions (verifier accuracy and the judge's aspect means).
//
// The endpoint answers every aspect with a rating picked from a hash of the text
// it is asked to rate, so the candidates of one prompt get different scores.
#include "common/local_http_server.h"
#include "common/store_fixture.h"
#include "common/stories_fixture.h"
#include "common/test_paths.h"

#include "pipeline/run/rlrf_run.h"
#include "pipeline/run/stage_env.h"
#include "store/checkpoint_repository.h"
#include "store/import/prompt_import.h"
#include "store/metric_repository.h"
#include "store/pair_repository.h"
#include "store/project_file.h"
#include "store/project_setup.h"
#include "store/run_repository.h"
#include "store/stage_repository.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

using namespace rlrf;
using test::HttpReply;
using test::HttpRequest;

namespace {

std::string judgeReply(const HttpRequest &request)
{
    const auto body = nlohmann::json::parse(request.body);
    const auto rated = body["messages"].back()["content"].get<std::string>();
    nlohmann::json ratings = nlohmann::json::array();
    std::size_t h = std::hash<std::string>{}(rated);
    for (const auto &aspect : test::defaultAspectNames()) {
        ratings.push_back({{"aspect", aspect}, {"rating", 1 + static_cast<int>(h % 3)}, {"rationale", "seen"}});
        h /= 3;
    }
    const nlohmann::json content = {{"ratings", ratings}};
    return nlohmann::json{{"choices", {{{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", content.dump()}}},
                                        {"finish_reason", "stop"}}}}}
        .dump();
}

// The `count` shortest questions of a GSM8K file, copied line for line, so the
// refinement conversations fit stories260K's 512 positions.
std::string shortestQuestions(const QString &source, const QString &target, std::size_t count)
{
    std::ifstream in(source.toStdString());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(line);
    std::stable_sort(lines.begin(), lines.end(), [](const auto &a, const auto &b) { return a.size() < b.size(); });
    lines.resize(std::min(count, lines.size()));
    std::ofstream out(target.toStdString());
    for (const auto &line : lines)
        out << line << "\n";
    return target.toStdString();
}

} // namespace

class TestPipelineEndpoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gsm8kWithARemoteJudgeThroughReviewAndTraining()
    {
        const QString train = test::sharedData(QStringLiteral("gsm8k/train.jsonl"));
        const QString testFile = test::sharedData(QStringLiteral("gsm8k/test.jsonl"));
        QVERIFY2(!train.isEmpty() && !testFile.isEmpty(),
                 qPrintable(QStringLiteral("GSM8K files missing under ") + test::sharedDataDir()));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string modelDir = test::convertStories260K(dir.path() + QStringLiteral("/stories260K"));
        const std::string path = (dir.path() + QStringLiteral("/gsm8k.rlrf")).toStdString();
        store::createProject({path, modelDir, "gsm8k", test::rubricPath(QStringLiteral("default.json")).toStdString()});
        {
            auto project = store::Project::open(path);
            tasks::ImportRequest request;
            request.format = tasks::ImportFormat::Gsm8k;
            request.inputPath = shortestQuestions(train, dir.path() + QStringLiteral("/train.jsonl"), 8);
            request.split = store::Split::Train;
            QCOMPARE(tasks::importPrompts(project.db(), request).count, 8);
            request.inputPath = shortestQuestions(testFile, dir.path() + QStringLiteral("/test.jsonl"), 3);
            request.split = store::Split::Test;
            QCOMPARE(tasks::importPrompts(project.db(), request).count, 3);
        }

        test::LocalHttpServer server([](const HttpRequest &request, int) { return HttpReply{200, judgeReply(request)}; });
        pipeline::PipelineOptions options;
        options.iterations = 1;
        options.promptsPerIteration = 4;
        options.samples = 3;
        options.maxNewTokens = 8;
        options.refinements = 1;
        options.judge = "endpoint:" + server.baseUrl() + "/v1#judge";
        options.pairRules = {"best_worst", "refined_vs_original", "pareto"};
        options.evalN = 3;
        options.evalMaxNewTokens = 8;
        options.dpo.epochs = 1;
        options.dpo.batchSize = 2;

        // 1. Pairs are built and wait for review.
        const auto first = pipeline::runPipeline({path, options, false, {}}, RunContext{});
        QVERIFY2(first.waitingForReview, first.message.c_str());
        QVERIFY(first.outcome == Outcome::Cancelled);
        QVERIFY(server.requestCount() > 0);

        // 2. A reviewer rejects the first pair and approves the rest.
        std::int64_t approved = 0;
        {
            auto project = store::Project::open(path);
            store::PairRepository pairs(project.db());
            const auto ids = store::StageRepository(project.db()).items({first.runId, 0, pipeline::stages::kPairs});
            QVERIFY2(ids.size() >= 2, "the judge's ratings gave fewer than two pairs");
            pairs.setReviewState(ids.front(), store::ReviewState::Rejected, "reviewer");
            for (std::size_t i = 1; i < ids.size(); ++i, ++approved)
                pairs.setReviewState(ids[i], store::ReviewState::Approved, "reviewer");
        }

        // 3. Started again: trains M1 on the approved pairs and evaluates it.
        const auto second = pipeline::runPipeline({path, options, false, {}}, RunContext{});
        QVERIFY2(second.outcome == Outcome::Succeeded, second.message.c_str());
        QVERIFY(second.resumed);
        QCOMPARE(second.runId, first.runId);
        QCOMPARE(second.iterationsDone, 1);
        auto project = store::Project::open(path);
        const auto lineage = [&] {
            store::CheckpointRepository checkpoints(project.db());
            const auto list = checkpoints.list();
            return checkpoints.lineage(list.back().id);
        }();
        QCOMPARE(lineage.size(), std::size_t(2)); // M1 -> M0
        QCOMPARE(lineage.front().iteration, 1);
        QVERIFY(std::filesystem::exists(lineage.front().path + "/model.safetensors"));
        QCOMPARE(lineage.back().path, std::filesystem::path(modelDir).lexically_normal().string());

        store::RunRepository runs(project.db());
        const auto dpo = runs.byId(*lineage.front().runId);
        QCOMPARE(nlohmann::json::parse(dpo.hyperParametersJson).at("pairs").get<std::int64_t>(), approved);

        int accuracyRows = 0, aspectRows = 0;
        for (const auto &e : second.evaluations) {
            QCOMPARE(e.n, 3);
            QCOMPARE(e.split, std::string("test"));
            accuracyRows += e.metric == "accuracy";
            aspectRows += e.metric.rfind("aspect/", 0) == 0;
            QVERIFY(e.iteration == 0 || e.iteration == 1);
        }
        QCOMPARE(accuracyRows, 2); // M0 and M1, by the GSM8K verifier
        QVERIFY(aspectRows >= 2);
        QVERIFY(runs.byId(first.runId).status == store::RunStatus::Succeeded);

        // The iteration's statistics were recorded once, although the run started twice.
        store::MetricRepository metrics(project.db());
        const auto pairCount = metrics.series(first.runId, "pairs/count");
        QCOMPARE(pairCount.size(), std::size_t(1));
        QCOMPARE(pairCount[0].value, static_cast<double>(approved + 1));
        QCOMPARE(metrics.series(first.runId, "refine/improved_fraction").size(), std::size_t(1));
        QCOMPARE(metrics.series(first.runId, "time/train").size(), std::size_t(1));
        QVERIFY(project.integrityProblems().empty());
    }
};

QTEST_GUILESS_MAIN(TestPipelineEndpoint)
#include "tst_pipeline_endpoint.moc"
