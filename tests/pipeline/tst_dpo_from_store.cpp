// SPDX-License-Identifier: GPL-3.0-or-later
// A DPO iteration on a project's approved pairs, with the real stories260K model:
// only reviewed pairs are trained, the run, its metric points and its checkpoint
// land in the store, and each step trains on the pairs the step plan names —
// checked by scoring each pair independently with the untrained model.
#include "common/error_assert.h"
#include "common/review_fixture.h"
#include "common/stories_fixture.h"

#include "model/policy.h"
#include "model/policy_prompt.h"
#include "model/text_model.h"
#include "pipeline/train/dpo_from_store.h"
#include "store/checkpoint_repository.h"
#include "store/jsonl_export.h"
#include "store/metric_repository.h"
#include "store/pair_repository.h"
#include "store/prompt_repository.h"
#include "store/run_repository.h"
#include "train/dpo_trainer_pairs.h"
#include "train/sft_data.h"
#include "types/prompt_formats.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <numeric>

using namespace rlrf;

class TestDpoFromStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = test::convertStories260K(m_dir.filePath(QStringLiteral("model")));
    }

    void trainsTheApprovedPairsAndRecordsTheRun()
    {
        const auto path = m_dir.filePath(QStringLiteral("run.rlrf")).toStdString();
        auto project = store::Project::create(path, {"arith", m_model, {}, 0});
        const auto fixture = test::buildReviewProject(project, 5);
        store::PairRepository pairs(project.db());
        for (int i : {0, 2, 3})
            pairs.setReviewState(fixture.pairIds[static_cast<std::size_t>(i)], store::ReviewState::Approved, "ada");
        pairs.setReviewState(fixture.pairIds[4], store::ReviewState::Rejected, "ada");
        const std::vector<std::int64_t> approved{fixture.pairIds[0], fixture.pairIds[2], fixture.pairIds[3]};
        QCOMPARE(pipeline::trainablePairIds(project), approved);

        pipeline::StoreDpoRequest request;
        request.projectPath = path;
        request.policyFolder = m_model;
        request.outputFolder = m_dir.filePath(QStringLiteral("out")).toStdString();
        request.iteration = 1;
        request.config.batchSize = 1;
        request.config.learningRate = 1e-12; // the policy stays the reference: logps are the reference's
        request.config.warmupRatio = 0.0;
        std::vector<std::pair<std::int64_t, double>> live;
        RunContext context;
        context.onMetric = [&](std::int64_t step, const std::string &key, double value) {
            if (key == "dpo/logps/chosen")
                live.push_back({step, value});
        };
        const auto result = pipeline::runDpoOnApprovedPairs(request, context);
        QCOMPARE(toString(result.training.outcome), "succeeded");
        QCOMPARE(result.pairIds, approved);
        QCOMPARE(result.training.steps, std::int64_t(3));

        const auto run = store::RunRepository(project.db()).byId(result.runId);
        QCOMPARE(store::toString(run.status), store::toString(store::RunStatus::Succeeded));
        QCOMPARE(store::toString(run.kind), store::toString(store::RunKind::Dpo));
        QCOMPARE(run.iteration, 1);
        QVERIFY(run.hyperParametersJson.find("\"pairs\":3") != std::string::npos);
        store::MetricRepository metrics(project.db());
        QCOMPARE(metrics.series(result.runId, "dpo/loss").size(), std::size_t(3));
        QCOMPARE(metrics.series(result.runId, "dpo/logps/chosen").size(), live.size());
        // M1 is registered under M0, the project's model (whose record the run
        // creates), so the lineage holds whichever way a model was trained.
        const auto checkpoints = store::CheckpointRepository(project.db()).list();
        QCOMPARE(checkpoints.size(), std::size_t(2));
        QCOMPARE(checkpoints[0].path, m_model);
        QCOMPARE(checkpoints[0].iteration, 0);
        QCOMPARE(checkpoints[1].path, result.training.checkpoint);
        QCOMPARE(checkpoints[1].runId, std::optional<std::int64_t>(result.runId));
        QCOMPARE(checkpoints[1].parentId, std::optional<std::int64_t>(checkpoints[0].id));
        QCOMPARE(checkpoints[1].iteration, 1);

        // Step k trained on the pair the plan names: its chosen log-prob, scored here
        // with the untouched model, is the step's reported one.
        const auto plan = pipeline::stepPairIds(request.config, result.pairIds);
        QCOMPARE(plan.size(), std::size_t(3));
        QCOMPARE(pipeline::storedStepPairIds(run.hyperParametersJson), plan);
        QVERIFY(pipeline::storedStepPairIds("{}").empty());
        // The settings a run had, read back in both recorded forms.
        QVERIFY(pipeline::storedDpoConfig(run.hyperParametersJson));
        QCOMPARE(pipeline::storedDpoConfig(run.hyperParametersJson)->learningRate, 1e-12);
        const auto stage = pipeline::storedDpoConfig(R"({"dpo": {"beta": 0.3, "num_train_epochs": 2}, "pipeline_run": 4})");
        QVERIFY(stage);
        QCOMPARE(stage->beta, 0.3);
        QCOMPARE(stage->epochs, std::int64_t(2));
        QVERIFY(!pipeline::storedDpoConfig("not json"));
        QVERIFY(!pipeline::storedDpoConfig(R"({"beta": -1})")); // invalid settings are none, not an error
        const auto model = model::TextModel::load(m_model);
        for (std::size_t k = 0; k < plan.size(); ++k) {
            QCOMPARE(plan[k].size(), std::size_t(1));
            const auto pair = pairs.byId(plan[k][0]);
            const auto prompt = store::PromptRepository(project.db()).byId(pair.promptId);
            auto chosen = model.encode(pair.chosenText);
            chosen.push_back(model.stopIds().front());
            const auto rows = model.policy().scoreCompletions(
                {model::policyPromptIds(model, prompts::answerMessages(prompt.text))}, {chosen});
            const double expected = std::accumulate(rows[0].begin(), rows[0].end(), 0.0);
            QVERIFY2(std::abs(live[k].second - expected) < 1e-3,
                     qPrintable(QStringLiteral("step %1: reported %2, scored %3").arg(k + 1).arg(live[k].second).arg(expected)));
        }
    }

    // `rlrf export --what pairs` writes TRL's conversational form; `rlrf dpo` and
    // `rlrf sft` read it back as exactly the token ids the pipeline trains.
    void exportedPairsReadBackAsThePipelineEncodesThem()
    {
        const auto path = m_dir.filePath(QStringLiteral("export.rlrf")).toStdString();
        auto project = store::Project::create(path, {"arith", m_model, {}, 0});
        const auto fixture = test::buildReviewProject(project, 3);
        const auto out = m_dir.filePath(QStringLiteral("pairs.jsonl")).toStdString();
        QCOMPARE(store::exportPairsTrl(project.db(), out).rows, std::int64_t(3));

        const auto model = model::TextModel::load(m_model);
        const auto read = train::readDpoPairs(out, &model);
        QCOMPARE(read.size(), std::size_t(3));
        store::PairRepository pairs(project.db());
        std::ofstream sft(m_dir.filePath(QStringLiteral("sft.jsonl")).toStdString());
        for (std::size_t i = 0; i < read.size(); ++i) {
            const auto pair = pairs.byId(fixture.pairIds[i]);
            const auto prompt = store::PromptRepository(project.db()).byId(pair.promptId);
            auto chosen = model.encode(pair.chosenText);
            chosen.push_back(model.stopIds().front());
            auto rejected = model.encode(pair.rejectedText);
            rejected.push_back(model.stopIds().front());
            QCOMPARE(read[i].prompt, model::policyPromptIds(model, prompts::answerMessages(prompt.text)));
            QCOMPARE(read[i].chosen, chosen);
            QCOMPARE(read[i].rejected, rejected);
            sft << nlohmann::json{{"prompt", prompts::answerMessages(prompt.text)},
                                  {"completion", {{{"role", "assistant"}, {"content", pair.chosenText}}}}}
                       .dump()
                << "\n";
        }
        sft.close();
        const auto examples = train::readSftJsonl(m_dir.filePath(QStringLiteral("sft.jsonl")).toStdString(), &model);
        QCOMPARE(examples.size(), std::size_t(3));
        QCOMPARE(examples[0].promptIds, read[0].prompt);
        QCOMPARE(examples[0].answerIds, read[0].chosen);
    }

    void badConversationsNameLineAndField_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("cause");
        const QString ok = QStringLiteral(R"([{"role": "assistant", "content": "4"}])");
        QTest::newRow("empty prompt") << QStringLiteral(R"({"prompt": [], "chosen": %1, "rejected": %1})").arg(ok)
                                      << "prompt" << "non-empty list of messages";
        QTest::newRow("no content") << QStringLiteral(R"({"prompt": [{"role": "user"}], "chosen": %1, "rejected": %1})").arg(ok)
                                    << "prompt" << "no string \"content\"";
        QTest::newRow("user completion")
            << QStringLiteral(R"({"prompt": [{"role": "user", "content": "2+2"}], "chosen": [{"role": "user", "content": "4"}], "rejected": %1})").arg(ok)
            << "chosen" << "role \"assistant\"";
        QTest::newRow("missing rejected")
            << QStringLiteral(R"({"prompt": [{"role": "user", "content": "2+2"}], "chosen": %1})").arg(ok) << "rejected"
            << "missing field";
        QTest::newRow("text completion")
            << QStringLiteral(R"({"prompt": [{"role": "user", "content": "2+2"}], "chosen": "4", "rejected": %1})").arg(ok)
            << "chosen" << "non-empty list of messages";
    }

    void badConversationsNameLineAndField()
    {
        QFETCH(QString, line);
        QFETCH(QString, field);
        QFETCH(QString, cause);
        const auto path = m_dir.filePath(QStringLiteral("bad.jsonl")).toStdString();
        std::ofstream(path) << R"({"prompt": [{"role": "user", "content": "1+1"}], "chosen": [{"role": "assistant", "content": "2"}], "rejected": [{"role": "assistant", "content": "3"}]})"
                            << "\n" << line.toStdString() << "\n";
        const auto model = model::TextModel::load(m_model);
        RLRF_VERIFY_THROWS_WITH(train::readDpoPairs(path, &model), "bad.jsonl:2");
        RLRF_VERIFY_THROWS_WITH(train::readDpoPairs(path, &model), field.toStdString());
        RLRF_VERIFY_THROWS_WITH(train::readDpoPairs(path, &model), cause.toStdString());
    }

    void nothingApprovedIsAnError()
    {
        const auto path = m_dir.filePath(QStringLiteral("empty.rlrf")).toStdString();
        {
            auto project = store::Project::create(path, {"arith", m_model, {}, 0});
            test::buildReviewProject(project, 2);
        }
        pipeline::StoreDpoRequest request;
        request.projectPath = path;
        request.policyFolder = m_model;
        request.outputFolder = m_dir.filePath(QStringLiteral("none")).toStdString();
        RLRF_VERIFY_THROWS_WITH(pipeline::runDpoOnApprovedPairs(request, {}), "no approved or edited pairs");
        auto project = store::Project::open(path);
        QVERIFY(store::RunRepository(project.db()).list().empty()); // no run row for a run that never started
    }

private:
    QTemporaryDir m_dir;
    std::string m_model;
};

QTEST_GUILESS_MAIN(TestDpoFromStore)
#include "tst_dpo_from_store.moc"
