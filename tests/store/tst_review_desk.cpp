// SPDX-License-Identifier: GPL-3.0-or-later
// The Pairs area's backend calls on a real project of arith problems rated by the
// arith rule judge: the queue read in one go (counts, rows, prompt starts), one
// pair's view, and the review desk that runs each action and keeps the undo
// history between calls. Bad input (no rubric, no judge, a missing pair, an
// action before open, an empty edit) fails with a message naming the cause.
#include "common/error_assert.h"
#include "common/review_fixture.h"

#include "feedback/rule_judge.h"
#include "pipeline/review/pair_queue.h"
#include "pipeline/review/review_desk.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"
#include "store/prompt_repository.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>

using namespace rlrf;

class TestReviewDesk : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = (m_dir.path() + QStringLiteral("/d%1.rlrf").arg(++m_counter)).toStdString();
        m_project = std::make_unique<store::Project>(store::Project::create(m_path, {"arith", "models/demo", {}, 0}));
        m_fixture = test::buildReviewProject(*m_project, 4);
    }
    void cleanup() { m_project.reset(); }

    void theQueueListsEveryPairWithItsPromptStart()
    {
        store::PairRepository(m_project->db()).setReviewState(m_fixture.pairIds[1], store::ReviewState::Approved, "ada");
        const auto all = review::readPairQueue(m_project->db(), std::nullopt);
        QCOMPARE(all.rows.size(), std::size_t(4));
        QCOMPARE(all.counts.at(store::ReviewState::Pending), std::int64_t(3));
        QCOMPARE(all.counts.at(store::ReviewState::Approved), std::int64_t(1));
        QCOMPARE(all.counts.at(store::ReviewState::Edited), std::int64_t(0)); // zeros included
        store::PromptRepository prompts(m_project->db());
        for (std::size_t i = 0; i < all.rows.size(); ++i) {
            const auto &row = all.rows[i];
            QCOMPARE(row.id, m_fixture.pairIds[i]);
            const std::string prompt = prompts.byId(m_fixture.promptIds[i]).text;
            QVERIFY(prompt.size() > review::kPromptStartChars); // the arith stories are long
            QCOMPARE(row.promptStart, prompt.substr(0, review::kPromptStartChars));
            QCOMPARE(row.rule, std::string("best_worst"));
        }
        const auto approved = review::readPairQueue(m_project->db(), store::ReviewState::Approved);
        QCOMPARE(approved.rows.size(), std::size_t(1));
        QCOMPARE(approved.rows[0].id, m_fixture.pairIds[1]);
        QCOMPARE(approved.counts.at(store::ReviewState::Pending), std::int64_t(3)); // counts stay whole
    }

    void aPairViewHasBothCritiques()
    {
        const auto view = review::readPairView(m_project->db(), m_fixture.pairIds[0]);
        QCOMPARE(view.pair.chosenText, m_fixture.correct[0]);
        QCOMPARE(view.pair.rejectedText, m_fixture.wrong[0]);
        QVERIFY(view.chosen && view.rejected);
        QCOMPARE(view.chosen->judge, std::string("rule:arith"));
        QVERIFY(view.chosen->overall > view.rejected->overall); // the rule judge's verdict
        RLRF_VERIFY_THROWS_WITH(review::readPairView(m_project->db(), 9999), "9999");
    }

    void actionsChangeTheStoreAndUndoAcrossCalls()
    {
        review::ReviewDesk desk("ada");
        QCOMPARE(desk.open(*m_project), std::string("rule:arith"));
        const auto a = m_fixture.pairIds[0], b = m_fixture.pairIds[1];
        auto result = desk.apply(*m_project, action(review::ReviewActionKind::Approve, a));
        QCOMPARE(result.touched, std::vector<std::int64_t>{a});
        QVERIFY(result.canUndo);
        desk.apply(*m_project, action(review::ReviewActionKind::Reject, b));
        QCOMPARE(state(a), store::toString(store::ReviewState::Approved));
        QCOMPARE(state(b), store::toString(store::ReviewState::Rejected));

        desk.apply(*m_project, editAction(m_fixture.pairIds[2], store::PairSide::Rejected, m_fixture.correct[2]));
        const auto edited = pairs().byId(m_fixture.pairIds[2]);
        QCOMPARE(edited.rejectedText, m_fixture.correct[2]);
        QVERIFY(std::abs(edited.gap) < 1e-9); // two correct answers, judged again
        QCOMPARE(store::CritiqueRepository(m_project->db()).byId(*edited.rejectedCritiqueId).critique.judge,
                 std::string("rule:arith"));

        review::ReviewAction bulk;
        bulk.kind = review::ReviewActionKind::ApproveByGap;
        bulk.minGap = 0.0;
        QCOMPARE(desk.apply(*m_project, bulk).approved, std::int64_t(1)); // the one pending pair left

        // Undo walks back through every earlier call, bulk first.
        result = desk.apply(*m_project, action(review::ReviewActionKind::Undo));
        QCOMPARE(result.touched, std::vector<std::int64_t>{m_fixture.pairIds[3]});
        result = desk.apply(*m_project, action(review::ReviewActionKind::Undo));
        QCOMPARE(result.touched, std::vector<std::int64_t>{m_fixture.pairIds[2]});
        QCOMPARE(pairs().byId(m_fixture.pairIds[2]).rejectedText, m_fixture.wrong[2]);
        desk.apply(*m_project, action(review::ReviewActionKind::Undo));
        result = desk.apply(*m_project, action(review::ReviewActionKind::Undo));
        QVERIFY(!result.canUndo);
        QCOMPARE(state(a), store::toString(store::ReviewState::Pending));
        QCOMPARE(state(b), store::toString(store::ReviewState::Pending));
        QVERIFY(desk.apply(*m_project, action(review::ReviewActionKind::Undo)).touched.empty());
    }

    void theJudgeComesFromTheFactory()
    {
        std::string asked;
        review::ReviewDesk desk("ada", [&asked](const std::string &task) {
            asked = task;
            return std::make_unique<feedback::ArithRuleJudge>();
        });
        QCOMPARE(desk.open(*m_project), std::string("rule:arith"));
        QCOMPARE(asked, std::string("arith"));
        QCOMPARE(review::editJudgeSpec("arith"), std::string("rule:arith"));
        QCOMPARE(review::editJudgeSpec("gsm8k"), std::string("verifier:gsm8k"));
    }

    void badInputIsNamed()
    {
        review::ReviewDesk desk("ada");
        RLRF_VERIFY_THROWS_WITH(desk.apply(*m_project, action(review::ReviewActionKind::Approve, m_fixture.pairIds[0])),
                                "not open");
        review::ReviewDesk noJudge("ada", [](const std::string &) { return std::unique_ptr<feedback::Judge>(); });
        RLRF_VERIFY_THROWS_WITH(noJudge.open(*m_project), "no judge for edited answers of task 'arith'");
        desk.open(*m_project);
        RLRF_VERIFY_THROWS_WITH(desk.apply(*m_project, action(review::ReviewActionKind::Approve, 9999)), "9999");
        RLRF_VERIFY_THROWS_WITH(desk.apply(*m_project, editAction(m_fixture.pairIds[0], store::PairSide::Chosen, "")),
                                "cannot be empty");
        QVERIFY(pairs().history(m_fixture.pairIds[0]).empty()); // nothing half-done

        const auto bare = m_path + ".bare.rlrf";
        auto project = store::Project::create(bare, {"arith", "models/demo", {}, 0});
        review::ReviewDesk noRubric("ada");
        RLRF_VERIFY_THROWS_WITH(noRubric.open(project), "no rubric");
        RLRF_VERIFY_THROWS_WITH(noRubric.open(project), bare);
    }

private:
    static review::ReviewAction action(review::ReviewActionKind kind, std::int64_t pairId = 0)
    {
        review::ReviewAction a;
        a.kind = kind;
        a.pairId = pairId;
        return a;
    }
    static review::ReviewAction editAction(std::int64_t pairId, store::PairSide side, const std::string &text)
    {
        review::ReviewAction a = action(review::ReviewActionKind::Edit, pairId);
        a.side = side;
        a.text = text;
        return a;
    }

    store::PairRepository pairs() { return store::PairRepository(m_project->db()); }
    std::string state(std::int64_t id) { return store::toString(pairs().byId(id).reviewState); }

    QTemporaryDir m_dir;
    std::string m_path;
    int m_counter = 0;
    std::unique_ptr<store::Project> m_project;
    test::ReviewProject m_fixture;
};

QTEST_GUILESS_MAIN(TestReviewDesk)
#include "tst_review_desk.moc"
