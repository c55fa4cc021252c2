// SPDX-License-Identifier: GPL-3.0-or-later
// A DPO iteration on a project's approved pairs, with the real stories260K model:
// only reviewed pairs are trained, the run, its metric points and its checkpoint
// land in the store, and each step trains on the pairs the step plan names —
// checked by scoring each pair independently with the untrained model.
#include "common/error_assert.h"
#include "common/review_fixture.h"
#include "common/stories_fixture.h"

#include "model/policy.h"
#include "model/text_model.h"
#include "pipeline/policy_prompt.h"
#include "pipeline/prompt_formats.h"
#include "store/checkpoint_repository.h"
#include "store/metric_repository.h"
#include "store/pair_repository.h"
#include "store/prompt_repository.h"
#include "store/run_repository.h"
#include "train/dpo_from_store.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

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
        QCOMPARE(train::trainablePairIds(project), approved);

        train::StoreDpoRequest request;
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
        const auto result = train::runDpoOnApprovedPairs(request, context);
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
        const auto checkpoints = store::CheckpointRepository(project.db()).list();
        QCOMPARE(checkpoints.size(), std::size_t(1));
        QCOMPARE(checkpoints[0].path, result.training.checkpoint);
        QCOMPARE(checkpoints[0].runId, std::optional<std::int64_t>(result.runId));

        // Step k trained on the pair the plan names: its chosen log-prob, scored here
        // with the untouched model, is the step's reported one.
        const auto plan = train::stepPairIds(request.config, result.pairIds);
        QCOMPARE(plan.size(), std::size_t(3));
        QCOMPARE(train::storedStepPairIds(run.hyperParametersJson), plan);
        QVERIFY(train::storedStepPairIds("{}").empty());
        const auto model = model::TextModel::load(m_model);
        for (std::size_t k = 0; k < plan.size(); ++k) {
            QCOMPARE(plan[k].size(), std::size_t(1));
            const auto pair = pairs.byId(plan[k][0]);
            const auto prompt = store::PromptRepository(project.db()).byId(pair.promptId);
            auto chosen = model.encode(pair.chosenText);
            chosen.push_back(model.stopIds().front());
            const auto rows = model.policy().scoreCompletions(
                {pipeline::policyPromptIds(model, pipeline::answerMessages(prompt.text))}, {chosen});
            const double expected = std::accumulate(rows[0].begin(), rows[0].end(), 0.0);
            QVERIFY2(std::abs(live[k].second - expected) < 1e-3,
                     qPrintable(QStringLiteral("step %1: reported %2, scored %3").arg(k + 1).arg(live[k].second).arg(expected)));
        }
    }

    void nothingApprovedIsAnError()
    {
        const auto path = m_dir.filePath(QStringLiteral("empty.rlrf")).toStdString();
        {
            auto project = store::Project::create(path, {"arith", m_model, {}, 0});
            test::buildReviewProject(project, 2);
        }
        train::StoreDpoRequest request;
        request.projectPath = path;
        request.policyFolder = m_model;
        request.outputFolder = m_dir.filePath(QStringLiteral("none")).toStdString();
        RLRF_VERIFY_THROWS_WITH(train::runDpoOnApprovedPairs(request, {}), "no approved or edited pairs");
        auto project = store::Project::open(path);
        QVERIFY(store::RunRepository(project.db()).list().empty()); // no run row for a run that never started
    }

private:
    QTemporaryDir m_dir;
    std::string m_model;
};

QTEST_GUILESS_MAIN(TestDpoFromStore)
#include "tst_dpo_from_store.moc"
