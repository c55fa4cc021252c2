// SPDX-License-Identifier: GPL-3.0-or-later
// Round trips through every repository on a real project file: what is written is
// what is read back, paging and sorting follow the request, lineage rules and
// value checks reject bad rows with a message naming the field. The fixture
// (tests/common/store_fixture) is built with the same public repositories.
#include "common/error_assert.h"
#include "common/store_fixture.h"

#include "store/candidate_repository.h"
#include "store/checkpoint_repository.h"
#include "store/critique_repository.h"
#include "store/metric_repository.h"
#include "store/pair_repository.h"
#include "store/prompt_repository.h"
#include "store/rubric_repository.h"
#include "store/run_repository.h"
#include "types/rubric_io.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace rlrf;

class TestStoreRepositories : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = (m_dir.path() + QStringLiteral("/p%1.rlrf").arg(++m_counter)).toStdString();
        m_project = std::make_unique<store::Project>(store::Project::create(m_path, {"arith", "models/demo", {}, 0}));
        m_ids = test::buildSmallProject(*m_project);
    }
    void cleanup() { m_project.reset(); }

    void rubricVersionsCountUpOnChange()
    {
        store::RubricRepository rubrics(db());
        auto rubric = feedback::loadRubricFile(test::rubricPath(QStringLiteral("default.json")).toStdString());
        const auto same = rubrics.save(rubric);
        QCOMPARE(same.id, m_ids.rubricVersionId); // unchanged: the existing version
        QCOMPARE(same.version, 1);
        rubric.aspects[2].weight = 2.5;
        const auto v2 = rubrics.save(rubric);
        QCOMPARE(v2.version, 2);
        QCOMPARE(rubrics.versions("default").size(), size_t(2));
        const auto loaded = rubrics.load(v2);
        QCOMPARE(loaded.aspects[2].weight, 2.5);
        QCOMPARE(loaded.aspects[2].levels[1], rubric.aspects[2].levels[1]);
        QCOMPARE(rubrics.current()->id, v2.id);
        QCOMPARE(rubrics.latest("default")->version, 2);
        QVERIFY(!rubrics.latest("nonexistent"));
        rubric.aspects.clear();
        RLRF_VERIFY_THROWS_WITH(rubrics.save(rubric), "'aspects': must be a non-empty list");
    }

    void promptsRoundTripAndPage()
    {
        store::PromptRepository prompts(db());
        const auto a = prompts.byId(m_ids.promptA);
        QCOMPARE(a.text, std::string("What is 2 + 3?"));
        QCOMPARE(*a.referenceAnswer, std::string("5"));
        QVERIFY(a.split == store::Split::Train);
        QCOMPARE(a.source, std::string("fixture.jsonl"));
        QCOMPARE(a.sourceRow, 1);
        QCOMPARE(prompts.count(), 2);
        QCOMPARE(prompts.count(store::Split::Test), 1);
        QCOMPARE(prompts.countBySplit().at(store::Split::Validation), 0);
        const auto byTextDesc = prompts.page({0, 10, "text", true, std::nullopt});
        QCOMPARE(byTextDesc.size(), size_t(2));
        QCOMPARE(byTextDesc[0].id, m_ids.promptB); // "What is 7..." > "What is 2..."
        const auto second = prompts.page({1, 1, "id", false, std::nullopt});
        QCOMPARE(second.size(), size_t(1));
        QCOMPARE(second[0].id, m_ids.promptB);
        QCOMPARE(prompts.page({0, 10, "id", false, std::nullopt}, store::Split::Test).size(), size_t(1));
        RLRF_VERIFY_THROWS_WITH(prompts.page({0, 10, "text; DROP TABLE prompts", false, std::nullopt}),
                                "unknown sort key 'text; DROP TABLE prompts' (allowed: id, source_row, split, text)");
        RLRF_VERIFY_THROWS_WITH(prompts.page({-1, 10, "id", false, std::nullopt}), "must not be negative");
        RLRF_VERIFY_THROWS_WITH(prompts.byId(999), "prompt 999 does not exist");
    }

    void candidatesAndRefinementLineage()
    {
        store::CandidateRepository candidates(db());
        const auto c = candidates.byId(m_ids.candA1);
        QCOMPARE(c.text, std::string("2 + 3 = 5"));
        QCOMPARE(c.tokenCount, 6);
        QCOMPARE(c.seed, 11);
        QCOMPARE(c.samplingParamsJson, std::string(R"({"temperature":0.8,"top_p":0.95})"));
        QVERIFY(!c.isRefinement());
        const auto r = candidates.byId(m_ids.refinedA2);
        QVERIFY(r.isRefinement());
        QCOMPARE(*r.parentCandidateId, m_ids.candA2);
        QCOMPARE(*r.critiqueUsedId, m_ids.critA2);
        QCOMPARE(candidates.refinementsOf(m_ids.candA2).size(), size_t(1));
        QCOMPARE(candidates.countSamples(), 3);
        QCOMPARE(candidates.countRefinements(), 1);
        QCOMPARE(candidates.count(), 4);
        QCOMPARE(candidates.count(m_ids.promptA), 3);
        QCOMPARE(candidates.page({1, 10, "id", false, std::nullopt}, m_ids.promptA).size(), size_t(2));
        QCOMPARE(candidates.forPrompt(m_ids.promptA).size(), size_t(3));
        const auto longest = candidates.page({0, 1, "token_count", true, std::nullopt});
        QCOMPARE(longest.at(0).id, m_ids.refinedA2);

        store::CandidateRecord bad = r;
        bad.critiqueUsedId = m_ids.critA1; // a critique of another candidate
        RLRF_VERIFY_THROWS_WITH(candidates.insert(bad), "critique " + std::to_string(m_ids.critA1)
                                    + " is not a critique of candidate " + std::to_string(m_ids.candA2));
        bad = r;
        bad.promptId = m_ids.promptB;
        RLRF_VERIFY_THROWS_WITH(candidates.insert(bad), "must answer the same prompt");
        bad = r;
        bad.critiqueUsedId.reset();
        RLRF_VERIFY_THROWS_WITH(candidates.insert(bad), "'critique_used_id': a refinement records both");
        bad = c;
        bad.tokenCount = -1;
        RLRF_VERIFY_THROWS_WITH(candidates.insert(bad), "'token_count': token count must not be negative");
    }

    void critiquesRoundTripWithAspects()
    {
        store::CritiqueRepository critiques(db());
        feedback::Critique k = test::makeCritique(2, 0.5, "model:judge");
        k.aspects[7].rating = feedback::kNotApplicable;
        k.reward = 1.0;
        k.rawOutput = "Factuality: 2\n...";
        const auto id = critiques.insert({m_ids.candB1, m_ids.rubricVersionId, k});
        const auto back = critiques.byId(id);
        QCOMPARE(back.candidateId, m_ids.candB1);
        QCOMPARE(*back.rubricVersionId, m_ids.rubricVersionId);
        QCOMPARE(back.critique.judge, std::string("model:judge"));
        QCOMPARE(back.critique.overall, 0.5);
        QCOMPARE(*back.critique.reward, 1.0);
        QCOMPARE(back.critique.rawOutput, k.rawOutput);
        QCOMPARE(back.critique.aspects.size(), size_t(8));
        for (size_t i = 0; i < 8; ++i) {
            QCOMPARE(back.critique.aspects[i].aspect, k.aspects[i].aspect);
            QCOMPARE(back.critique.aspects[i].rating, k.aspects[i].rating);
            QCOMPARE(back.critique.aspects[i].rationale, k.aspects[i].rationale);
        }
        QVERIFY(!critiques.byId(m_ids.critA1).critique.reward.has_value());

        feedback::Critique failed;
        failed.judge = "model:judge";
        failed.rawOutput = "I cannot rate this.";
        failed.parseStatus = feedback::ParseStatus::Failed;
        failed.parseError = "no rating for Factuality";
        const auto failedId = critiques.insert({m_ids.candB1, std::nullopt, failed});
        const auto failedBack = critiques.byId(failedId);
        QVERIFY(failedBack.critique.parseStatus == feedback::ParseStatus::Failed);
        QCOMPARE(failedBack.critique.parseError, failed.parseError);
        QVERIFY(failedBack.critique.aspects.empty());
        QCOMPARE(critiques.countParseFailures(), 1);

        QCOMPARE(critiques.forCandidate(m_ids.candB1).size(), size_t(3));
        const auto ofA = critiques.forPrompt(m_ids.promptA);
        QCOMPARE(ofA.size(), size_t(3)); // candA1, candA2 and the refinement
        QCOMPARE(ofA[0].candidateId, m_ids.candA1);
        QCOMPARE(ofA[2].candidateId, m_ids.refinedA2);
        QCOMPARE(critiques.page({0, 2, "overall", true, std::nullopt}).size(), size_t(2));
    }

    void keysetPagingMatchesOffsetPaging()
    {
        store::CritiqueRepository critiques(db());
        std::vector<store::NewCritique> batch;
        for (int i = 0; i < 57; ++i) // ties in overall on purpose: the id breaks them
            batch.push_back({m_ids.candB1, std::nullopt, test::makeCritique(2, (i % 5) / 4.0)});
        critiques.insertBatch(batch);
        for (const bool descending : {false, true}) {
            store::PageRequest request{0, 7, "overall", descending, std::nullopt};
            std::vector<std::int64_t> byOffset, byKeyset;
            for (std::int64_t offset = 0;; offset += 7) {
                const auto page = critiques.page({offset, 7, "overall", descending, std::nullopt});
                for (const auto &c : page)
                    byOffset.push_back(c.id);
                if (page.size() < 7)
                    break;
            }
            for (;;) {
                const auto page = critiques.page(request);
                for (const auto &c : page)
                    byKeyset.push_back(c.id);
                if (page.size() < 7)
                    break;
                request.afterId = page.back().id;
                QCOMPARE(page.back().critique.aspects.size(), size_t(8));
            }
            QCOMPARE(byKeyset.size(), size_t(61)); // 57 + the fixture's 4
            QCOMPARE(byKeyset, byOffset);
        }
        store::PairRepository pairs(db());
        const auto afterFirst = pairs.page({0, 10, "gap", false, m_ids.pairA}, store::ReviewState::Pending);
        QCOMPARE(afterFirst.size(), size_t(1));
        QCOMPARE(afterFirst[0].id, m_ids.pairRefined);
        QCOMPARE(store::PromptRepository(db()).page({0, 10, "text", false, m_ids.promptA}).at(0).id, m_ids.promptB);
        QVERIFY(store::CandidateRepository(db()).page({0, 10, "id", false, 999999}).empty());
    }

    void critiqueValidationNamesTheField()
    {
        store::CritiqueRepository critiques(db());
        const auto before = critiques.count();
        auto k = test::makeCritique(3, 1.0);
        k.aspects[1].rating = 4;
        RLRF_VERIFY_THROWS_WITH(critiques.insert({m_ids.candA1, {}, k}),
                                "'aspects[1].rating': critique of candidate");
        k = test::makeCritique(3, 1.5);
        RLRF_VERIFY_THROWS_WITH(critiques.insert({m_ids.candA1, {}, k}), "overall score 1.500000 is outside [0, 1]");
        k = test::makeCritique(3, std::numeric_limits<double>::quiet_NaN());
        RLRF_VERIFY_THROWS_WITH(critiques.insert({m_ids.candA1, {}, k}), "'overall'");
        k = test::makeCritique(3, 1.0);
        k.parseStatus = feedback::ParseStatus::Failed;
        RLRF_VERIFY_THROWS_WITH(critiques.insert({m_ids.candA1, {}, k}), "a failed parse must say why");
        k = test::makeCritique(3, 1.0);
        k.aspects[3].aspect = k.aspects[0].aspect;
        RLRF_VERIFY_THROWS_WITH(critiques.insert({m_ids.candA1, {}, k}), "given twice ('Factuality')");
        k = test::makeCritique(3, 1.0, "");
        RLRF_VERIFY_THROWS_WITH(critiques.insert({m_ids.candA1, {}, k}), "the judge is not named");
        // A batch with one bad critique at the end writes none of them.
        std::vector<store::NewCritique> batch(5, {m_ids.candA1, m_ids.rubricVersionId, test::makeCritique(2, 0.5)});
        batch.push_back({999999, {}, test::makeCritique(2, 0.5)});
        RLRF_VERIFY_THROWS_WITH(critiques.insertBatch(batch), "FOREIGN KEY constraint failed");
        QCOMPARE(critiques.count(), before);
        QCOMPARE(db().scalar("SELECT count(*) FROM critique_aspects"), before * 8);
    }

    void pairReviewKeepsHistory()
    {
        store::PairRepository pairs(db());
        auto p = pairs.byId(m_ids.pairA);
        QCOMPARE(p.chosenText, std::string("2 + 3 = 5"));
        QCOMPARE(p.rejectedText, std::string("2 + 3 = 6"));
        QVERIFY(p.reviewState == store::ReviewState::Pending);
        QCOMPARE(p.rule, std::string("best_worst"));
        QCOMPARE(*p.chosenCritiqueId, m_ids.critA1);

        pairs.setReviewState(m_ids.pairA, store::ReviewState::Approved, "ada");
        pairs.editText(m_ids.pairRefined, store::PairSide::Chosen, "2 + 3 = 5, checked twice.", "ada");
        pairs.swap(m_ids.pairA, "bob");
        pairs.setReviewState(m_ids.pairA, store::ReviewState::Rejected, "bob");

        p = pairs.byId(m_ids.pairA);
        QVERIFY(p.reviewState == store::ReviewState::Rejected);
        QCOMPARE(p.chosenCandidateId, m_ids.candA2); // swapped
        QCOMPARE(p.gap, -1.0);
        QCOMPARE(p.chosenText, std::string("2 + 3 = 6"));
        const auto edited = pairs.byId(m_ids.pairRefined);
        QVERIFY(edited.reviewState == store::ReviewState::Edited);
        QCOMPARE(edited.chosenText, std::string("2 + 3 = 5, checked twice."));
        QCOMPARE(edited.rejectedText, std::string("2 + 3 = 6"));

        const auto history = pairs.history(m_ids.pairA);
        QCOMPARE(history.size(), size_t(3));
        QCOMPARE(history[0].action, std::string("approve"));
        QCOMPARE(history[0].oldValue, std::string("pending"));
        QCOMPARE(history[1].action, std::string("swap"));
        QCOMPARE(history[2].author, std::string("bob"));
        const auto editHistory = pairs.history(m_ids.pairRefined);
        QCOMPARE(editHistory.at(0).action, std::string("edit_chosen"));
        QCOMPARE(editHistory.at(0).oldValue, std::string("Let me recheck: 2 + 3 = 5"));

        const auto counts = pairs.countByState();
        QCOMPARE(counts.at(store::ReviewState::Rejected), 1);
        QCOMPARE(counts.at(store::ReviewState::Edited), 1);
        QCOMPARE(counts.at(store::ReviewState::Pending), 0);
        QCOMPARE(pairs.page({0, 10, "gap", false, std::nullopt}, store::ReviewState::Edited).at(0).id, m_ids.pairRefined);

        RLRF_VERIFY_THROWS_WITH(pairs.setReviewState(m_ids.pairA, store::ReviewState::Edited, "x"), "by editing a text");
        store::PairRecord wrong;
        wrong.promptId = m_ids.promptB;
        wrong.chosenCandidateId = m_ids.candB1;
        wrong.rejectedCandidateId = m_ids.candA2;
        wrong.rule = "best_worst";
        RLRF_VERIFY_THROWS_WITH(pairs.insert(wrong), "not the pair's prompt");
    }

    void runsMetricsEvaluationsCheckpoints()
    {
        store::RunRepository runs(db());
        const auto run = runs.start(store::RunKind::Dpo, 1, R"({"beta": 0.1, "lr": 5e-7})");
        RLRF_VERIFY_THROWS_WITH(runs.start(store::RunKind::Dpo, 1, "[1, 2]"), "must be a JSON object");
        store::MetricRepository metrics(db());
        std::vector<store::MetricPoint> points;
        for (int step = 0; step < 100; ++step) {
            points.push_back({step, "dpo/loss", 0.69 - step * 0.001});
            points.push_back({step, "dpo/reward_margin", step * 0.01});
        }
        metrics.append(run, points);
        std::vector<store::MetricPoint> bad{{100, "dpo/loss", 0.5}, {101, "dpo/loss", std::nan("")}};
        RLRF_VERIFY_THROWS_WITH(metrics.append(run, bad), "'dpo/loss': metric value is not finite at step 101");
        QCOMPARE(metrics.count(run), 200); // the bad batch left nothing behind
        const auto loss = metrics.series(run, "dpo/loss");
        QCOMPARE(loss.size(), size_t(100));
        QCOMPARE(loss[42].step, 42);
        QCOMPARE(loss[42].value, 0.69 - 42 * 0.001);
        QCOMPARE(metrics.keys(run), (std::vector<std::string>{"dpo/loss", "dpo/reward_margin"}));

        runs.addEvalResult({0, run, 1, "test", "accuracy", 0.75, 1319});
        RLRF_VERIFY_THROWS_WITH(runs.addEvalResult({0, run, 1, "test", "", 0.75, 1}), "'metric'");
        runs.finish(run, store::RunStatus::Succeeded);
        RLRF_VERIFY_THROWS_WITH(runs.finish(run, store::RunStatus::Failed), "already ended as succeeded");
        const auto back = runs.byId(run);
        QVERIFY(back.status == store::RunStatus::Succeeded);
        QVERIFY(back.kind == store::RunKind::Dpo);
        QVERIFY(back.endedAt.has_value());
        QCOMPARE(nlohmann::json::parse(back.hyperParametersJson).at("beta").get<double>(), 0.1);
        const auto results = runs.evalResults(run);
        QCOMPARE(results.size(), size_t(1));
        QCOMPARE(results[0].n, 1319);
        QCOMPARE(results[0].value, 0.75);

        store::CheckpointRepository checkpoints(db());
        const auto m0 = checkpoints.add({0, "models/demo", std::nullopt, 0, std::nullopt, {}});
        const auto m1 = checkpoints.add({0, "checkpoints/m1", m0, 1, run, {}});
        const auto m2 = checkpoints.add({0, "checkpoints/m2", m1, 2, std::nullopt, {}});
        const auto chain = checkpoints.lineage(m2);
        QCOMPARE(chain.size(), size_t(3));
        QCOMPARE(chain[1].path, std::string("checkpoints/m1"));
        QCOMPARE(*chain[1].runId, run);
        QCOMPARE(chain[2].id, m0);
    }

private:
    store::Database &db() { return m_project->db(); }

    QTemporaryDir m_dir;
    int m_counter = 0;
    std::string m_path;
    std::unique_ptr<store::Project> m_project;
    test::SmallProject m_ids;
};

QTEST_GUILESS_MAIN(TestStoreRepositories)
#include "tst_store_repositories.moc"
