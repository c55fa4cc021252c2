// SPDX-License-Identifier: GPL-3.0-or-later
// Pair review on a real project of arith problems rated by the arith rule judge:
// each action changes the stored pair and leaves a history row, an edit is judged
// again and moves the gap, bulk approval follows its rule, and undo writes the
// earlier state back. Bad input fails with a message naming the cause.
#include "common/error_assert.h"
#include "common/review_fixture.h"
#include "common/store_fixture.h"

#include "feedback/rule_judge.h"
#include "pipeline/review/pair_review.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"
#include "types/rubric_io.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <memory>

using namespace rlrf;

class TestPairReview : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        const auto path = (m_dir.path() + QStringLiteral("/r%1.rlrf").arg(++m_counter)).toStdString();
        m_project = std::make_unique<store::Project>(store::Project::create(path, {"arith", "models/demo", {}, 0}));
        m_fixture = test::buildReviewProject(*m_project, 4);
        m_review = std::make_unique<review::PairReview>(
            *m_project, m_judge, feedback::loadRubricFile(test::rubricPath(QStringLiteral("default.json")).toStdString()),
            m_fixture.rubricVersionId, "ada");
    }
    void cleanup()
    {
        m_review.reset();
        m_project.reset();
    }

    void theFixtureRatesCorrectAboveWrong()
    {
        // The rule judge, not the fixture, decides the gap: a correct answer must win.
        for (const auto id : m_fixture.pairIds)
            QVERIFY2(pairs().byId(id).gap > 0.0, "the arith rule judge rated a wrong answer as high as a correct one");
    }

    void approveRejectAndSwapChangeTheStore()
    {
        const auto a = m_fixture.pairIds[0], b = m_fixture.pairIds[1];
        m_review->approve(a);
        m_review->reject(b);
        QCOMPARE(store::toString(pairs().byId(a).reviewState), store::toString(store::ReviewState::Approved));
        QCOMPARE(store::toString(pairs().byId(b).reviewState), store::toString(store::ReviewState::Rejected));
        const auto before = pairs().byId(a);
        m_review->swap(a);
        const auto after = pairs().byId(a);
        QCOMPARE(after.chosenCandidateId, before.rejectedCandidateId);
        QCOMPARE(after.chosenText, before.rejectedText);
        QCOMPARE(after.gap, -before.gap);
        QCOMPARE(pairs().history(a).back().action, std::string("swap"));
        QCOMPARE(pairs().history(a).front().author, std::string("ada"));
        const auto counts = pairs().countByState();
        QCOMPARE(counts.at(store::ReviewState::Approved), std::int64_t(1));
        QCOMPARE(counts.at(store::ReviewState::Rejected), std::int64_t(1));
        QCOMPARE(counts.at(store::ReviewState::Pending), std::int64_t(2));
    }

    void anEditIsJudgedAgainAndMovesTheGap()
    {
        const auto id = m_fixture.pairIds[0];
        const auto before = pairs().byId(id);
        // Correct the rejected side: both sides are now right, so the gap closes.
        m_review->edit(id, store::PairSide::Rejected, m_fixture.correct[0]);
        const auto after = pairs().byId(id);
        QCOMPARE(store::toString(after.reviewState), store::toString(store::ReviewState::Edited));
        QCOMPARE(after.rejectedText, m_fixture.correct[0]);
        QVERIFY(after.rejectedCandidateId != before.rejectedCandidateId);
        QVERIFY(after.rejectedCritiqueId && *after.rejectedCritiqueId != *before.rejectedCritiqueId);
        const auto critique = store::CritiqueRepository(m_project->db()).byId(*after.rejectedCritiqueId);
        QCOMPARE(critique.critique.judge, m_judge.id());
        QCOMPARE(critique.candidateId, after.rejectedCandidateId);
        QVERIFY(std::abs(after.gap) < 1e-9);
        const auto edited = store::CandidateRepository(m_project->db()).byId(after.rejectedCandidateId);
        QCOMPARE(edited.text, m_fixture.correct[0]);
        QVERIFY(edited.samplingParamsJson.find("\"edit_of\":" + std::to_string(before.rejectedCandidateId))
                != std::string::npos);
        const auto history = pairs().history(id);
        QCOMPARE(history.size(), std::size_t(2));
        QCOMPARE(history[0].action, std::string("edit_rejected"));
        QCOMPARE(history[0].oldValue, m_fixture.wrong[0]);
        QCOMPARE(history[1].action, std::string("rejudge"));
    }

    void bulkApprovalFollowsTheGapRule()
    {
        const auto low = m_fixture.pairIds[2];
        m_review->edit(low, store::PairSide::Rejected, m_fixture.correct[2]); // gap 0, and no longer pending
        m_review->reject(m_fixture.pairIds[3]);
        const double minGap = std::min(pairs().byId(m_fixture.pairIds[0]).gap, pairs().byId(m_fixture.pairIds[1]).gap);
        QCOMPARE(m_review->approveAllWithGapAtLeast(minGap + 10.0), std::int64_t(0));
        QCOMPARE(m_review->approveAllWithGapAtLeast(minGap), std::int64_t(2)); // pairs 0 and 1: the only pending ones
        QCOMPARE(store::toString(pairs().byId(m_fixture.pairIds[0]).reviewState), store::toString(store::ReviewState::Approved));
        QCOMPARE(store::toString(pairs().byId(m_fixture.pairIds[1]).reviewState), store::toString(store::ReviewState::Approved));
        QCOMPARE(store::toString(pairs().byId(low).reviewState), store::toString(store::ReviewState::Edited));
        QCOMPARE(store::toString(pairs().byId(m_fixture.pairIds[3]).reviewState), store::toString(store::ReviewState::Rejected));
        // One undo step reverts the whole bulk action.
        QCOMPARE(m_review->undo().size(), std::size_t(2));
        QCOMPARE(pairs().count(store::ReviewState::Pending), std::int64_t(2));
    }

    void undoWritesTheEarlierStateBack()
    {
        const auto id = m_fixture.pairIds[0];
        const auto original = pairs().byId(id);
        m_review->approve(id);
        m_review->edit(id, store::PairSide::Chosen, "I do not know.");
        m_review->swap(id);
        QVERIFY(m_review->canUndo());
        m_review->undo(); // swap
        QCOMPARE(pairs().byId(id).chosenText, std::string("I do not know."));
        m_review->undo(); // edit: the old candidate, critique, gap and state return
        auto now = pairs().byId(id);
        QCOMPARE(now.chosenCandidateId, original.chosenCandidateId);
        QCOMPARE(now.chosenCritiqueId, original.chosenCritiqueId);
        QCOMPARE(now.chosenText, original.chosenText);
        QCOMPARE(now.gap, original.gap);
        QCOMPARE(store::toString(now.reviewState), store::toString(store::ReviewState::Approved));
        m_review->undo(); // approve
        QCOMPARE(store::toString(pairs().byId(id).reviewState), store::toString(store::ReviewState::Pending));
        QVERIFY(!m_review->canUndo());
        QVERIFY(m_review->undo().empty());
        QCOMPARE(pairs().history(id).back().action, std::string("undo"));
    }

    void yieldCountsSampledPromptsAndPairsPerIteration()
    {
        m_review->edit(m_fixture.pairIds[0], store::PairSide::Rejected, m_fixture.correct[0]);
        auto yield = pairs().yieldByIteration();
        QCOMPARE(yield.size(), std::size_t(1));
        QCOMPARE(yield[0].promptsSampled, std::int64_t(4)); // the edit is not a new sample
        QCOMPARE(yield[0].pairs, std::int64_t(4));
        // A second iteration: one prompt sampled again, one pair from it.
        store::CandidateRepository candidates(m_project->db());
        store::CandidateRecord c = candidates.byId(pairs().byId(m_fixture.pairIds[1]).chosenCandidateId);
        c.id = 0;
        c.iteration = 1;
        const auto a = candidates.insert(c);
        c.text = m_fixture.wrong[1];
        const auto b = candidates.insert(c);
        store::PairRecord p;
        p.promptId = c.promptId;
        p.chosenCandidateId = a;
        p.rejectedCandidateId = b;
        p.rule = "best_worst";
        pairs().insert(p);
        yield = pairs().yieldByIteration();
        QCOMPARE(yield[1].promptsSampled, std::int64_t(1));
        QCOMPARE(yield[1].pairs, std::int64_t(1));
        QCOMPARE(yield[0].pairs, std::int64_t(4));
    }

    void badInputIsRefusedWithItsCause()
    {
        RLRF_VERIFY_THROWS_WITH(m_review->approve(9999), "9999");
        RLRF_VERIFY_THROWS_WITH(m_review->edit(m_fixture.pairIds[0], store::PairSide::Chosen, ""), "empty");
        QCOMPARE(store::toString(pairs().byId(m_fixture.pairIds[0]).reviewState), store::toString(store::ReviewState::Pending));
        QVERIFY(!m_review->canUndo());
        // A rewritten pair must still answer its own prompt.
        auto wrongPrompt = pairs().byId(m_fixture.pairIds[0]);
        wrongPrompt.chosenCandidateId = pairs().byId(m_fixture.pairIds[1]).chosenCandidateId;
        RLRF_VERIFY_THROWS_WITH(pairs().overwrite(wrongPrompt, "undo", "ada"), "not the pair's prompt");
    }

private:
    store::PairRepository pairs() { return store::PairRepository(m_project->db()); }

    QTemporaryDir m_dir;
    int m_counter = 0;
    feedback::ArithRuleJudge m_judge;
    std::unique_ptr<store::Project> m_project;
    test::ReviewProject m_fixture;
    std::unique_ptr<review::PairReview> m_review;
};

QTEST_GUILESS_MAIN(TestPairReview)
#include "tst_pair_review.moc"
