// SPDX-License-Identifier: GPL-3.0-or-later
// The pair review queue, offscreen, on a real project of arith problems rated by
// the arith rule judge, with the queue read and every action run on the backend
// thread: one key per action changes the stored pair, keys typed while an action
// runs wait and run once each, an edit is judged again, the bulk rule approves by
// gap, counts follow, undo restores, and a judge error or a locked project file
// ends in the status line.
#include "ui/ui_test_helpers.h"

#include "views/pair_side_view.h"
#include "views/pairs_page.h"

#include "common/review_fixture.h"

#include "core/error.h"
#include "core/logging.h"
#include "feedback/rule_judge.h"
#include "store/critique_repository.h"
#include "store/database.h"
#include "store/pair_repository.h"

#include <QComboBox>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;
using rlrf::ui::PairsPage;

namespace {

// A real judge whose endpoint is down: every request fails the way a remote
// judge's transport error does.
class UnreachableJudge : public feedback::Judge {
public:
    std::string id() const override { return "endpoint:http://127.0.0.1:9#down"; }
    feedback::Critique judge(const feedback::JudgeRequest &, const feedback::Rubric &) override
    {
        throw Error("judge endpoint unreachable: connection refused", {"http://127.0.0.1:9", 0, "endpoint"});
    }
};

// Waits until the page has no action, read or waiting key left.
bool settle(PairsPage &page, int timeoutMs = 30000)
{
    return QTest::qWaitFor([&] { return !page.isBusy() && page.queuedKeys() == 0; }, timeoutMs);
}

} // namespace

class TestPairsPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        rlrf::log::init();
        rlrf::log::setConsoleLevel(spdlog::level::err);
        QVERIFY(m_dir.isValid());
    }

    void init()
    {
        m_path = m_dir.filePath(QStringLiteral("p%1.rlrf").arg(++m_counter));
        auto project = store::Project::create(m_path.toStdString(), {"arith", "models/demo", {}, 0});
        m_fixture = test::buildReviewProject(project, 5);
    }

    void keysApproveRejectSwapAndMove()
    {
        auto page = openPage();
        QVERIFY(page);
        auto *list = page->list();
        QCOMPARE(list->model()->rowCount(), 5);
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[0]);
        QVERIFY(page->countsText().contains(QStringLiteral("5 pending")));

        QTest::keyClick(list, Qt::Key_A); // approve, then on to the next pair
        QVERIFY(settle(*page));
        QCOMPARE(store::toString(state(m_fixture.pairIds[0])), store::toString(store::ReviewState::Approved));
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[1]);
        QTest::keyClick(list, Qt::Key_R);
        QVERIFY(settle(*page));
        QCOMPARE(store::toString(state(m_fixture.pairIds[1])), store::toString(store::ReviewState::Rejected));
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[2]);
        const auto before = pairs().byId(m_fixture.pairIds[2]);
        QTest::keyClick(list, Qt::Key_S); // swap stays on the pair
        QVERIFY(settle(*page));
        QCOMPARE(pairs().byId(m_fixture.pairIds[2]).chosenCandidateId, before.rejectedCandidateId);
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[2]);
        QTest::keyClick(list, Qt::Key_K);
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[1]);
        QTest::keyClick(list, Qt::Key_J);
        QTest::keyClick(list, Qt::Key_J);
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[3]);
        QVERIFY(page->countsText().contains(QStringLiteral("1 approved")));
        QVERIFY(page->countsText().contains(QStringLiteral("1 rejected")));
        QVERIFY(page->countsText().contains(QStringLiteral("3 pending")));

        QTest::keyClick(list, Qt::Key_U); // undo the swap
        QVERIFY(settle(*page));
        QCOMPARE(pairs().byId(m_fixture.pairIds[2]).chosenCandidateId, before.chosenCandidateId);
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[2]);
        QTest::keyClick(list, Qt::Key_Z, Qt::ControlModifier); // and the reject
        QVERIFY(settle(*page));
        QCOMPARE(store::toString(state(m_fixture.pairIds[1])), store::toString(store::ReviewState::Pending));
        QCOMPARE(pairs().history(m_fixture.pairIds[1]).back().action, std::string("undo"));
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[1]);
    }

    // Keys typed faster than the backend answers wait in order and run as if the
    // reviewer had waited: each pair gets its one action, none twice.
    void keysTypedDuringAnActionWaitAndRunOnce()
    {
        auto page = openPage();
        QVERIFY(page);
        auto *list = page->list();
        QSignalSpy finished(page.get(), &PairsPage::actionFinished);
        for (const auto key : {Qt::Key_A, Qt::Key_A, Qt::Key_J, Qt::Key_R})
            QTest::keyClick(list, key); // no waiting between them
        QVERIFY(page->queuedKeys() >= 2); // the first A is still under way
        QVERIFY(settle(*page));
        QCOMPARE(finished.size(), 3);
        const std::pair<std::size_t, const char *> expected[] = {
            {0, "approve"}, {1, "approve"}, {2, nullptr}, {3, "reject"}, {4, nullptr}};
        for (const auto &[index, action] : expected) {
            const auto history = pairs().history(m_fixture.pairIds[index]);
            QCOMPARE(history.size(), std::size_t(action ? 1 : 0));
            if (action)
                QCOMPARE(history.front().action, std::string(action));
        }
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[4]);
        QVERIFY(page->countsText().contains(QStringLiteral("2 approved")));
        QVERIFY(page->countsText().contains(QStringLiteral("1 rejected")));
    }

    // In a list filtered by state a reviewed pair leaves the list; the one that
    // takes its row is next.
    void aFilteredListMovesToThePairThatTakesTheRow()
    {
        auto page = openPage();
        QVERIFY(page);
        auto *filter = page->findChild<QComboBox *>(QStringLiteral("pairs.filter"));
        QSignalSpy loaded(page.get(), &PairsPage::queueLoaded);
        filter->setCurrentIndex(filter->findData(QStringLiteral("pending")));
        QVERIFY(loaded.wait(30000));
        QVERIFY(page->selectPair(m_fixture.pairIds[1]));
        QTest::keyClick(page->list(), Qt::Key_A);
        QVERIFY(settle(*page));
        QCOMPARE(store::toString(state(m_fixture.pairIds[1])), store::toString(store::ReviewState::Approved));
        QCOMPARE(page->list()->model()->rowCount(), 4);
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[2]);
        QVERIFY(page->selectPair(m_fixture.pairIds[4]));
        QTest::keyClick(page->list(), Qt::Key_R); // the last row: the new last one follows
        QVERIFY(settle(*page));
        QCOMPARE(store::toString(state(m_fixture.pairIds[4])), store::toString(store::ReviewState::Rejected));
        QCOMPARE(page->currentPairId(), m_fixture.pairIds[3]);
    }

    // A write from another area (here a job on the same session) is read again.
    void aChangeFromAnotherAreaIsShown()
    {
        auto page = openPage();
        QVERIFY(page);
        QSignalSpy loaded(page.get(), &PairsPage::queueLoaded);
        const auto id = m_fixture.pairIds[3];
        QVERIFY(m_session->run(QStringLiteral("approve elsewhere"), [id](store::Project &project, const RunContext &) {
            store::PairRepository(project.db()).setReviewState(id, store::ReviewState::Approved, "pipeline");
            return ui::JobResult{Outcome::Succeeded, {}};
        }) != 0);
        QVERIFY(loaded.wait(30000));
        QVERIFY(page->countsText().contains(QStringLiteral("1 approved")));
        QCOMPARE(page->list()->model()->index(3, 1).data().toString(), QStringLiteral("approved"));
    }

    void anEditTypedInTheQueueIsJudgedAgain()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(page->statusText().contains(QStringLiteral("rule:arith")));
        QVERIFY(page->selectPair(m_fixture.pairIds[1]));
        auto *list = page->list();
        QTest::keyClick(list, Qt::Key_E, Qt::ShiftModifier); // edit the rejected side
        const auto sides = page->findChildren<ui::PairSideView *>();
        QCOMPARE(sides.size(), 2);
        auto *rejected = sides[1];
        QVERIFY(rejected->isEditing());
        auto *text = rejected->findChild<QPlainTextEdit *>(QStringLiteral("text"));
        QCOMPARE(text->toPlainText(), QString::fromStdString(m_fixture.wrong[1]));
        text->setPlainText(QString::fromStdString(m_fixture.correct[1]));
        QSignalSpy finished(page.get(), &PairsPage::actionFinished);
        QTest::keyClick(text, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(!rejected->isEditing());
        QVERIFY(finished.isEmpty()); // judged on the backend thread, not here
        QVERIFY2(rejected->overallText().startsWith(QStringLiteral("judging")), qPrintable(rejected->overallText()));
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        const auto pair = pairs().byId(m_fixture.pairIds[1]);
        QCOMPARE(store::toString(pair.reviewState), store::toString(store::ReviewState::Edited));
        QCOMPARE(pair.rejectedText, m_fixture.correct[1]);
        // Judged again by the rule judge: two correct answers rate alike.
        QVERIFY(std::abs(pair.gap) < 1e-9);
        QCOMPARE(critiqueJudge(*pair.rejectedCritiqueId), std::string("rule:arith"));
        // The rejected side's ratings on screen are the new critique's.
        QCOMPARE(rejected->aspects()->rowCount(), 8);
        QVERIFY(rejected->overallText().contains(QStringLiteral("rule:arith")));
        QVERIFY(page->countsText().contains(QStringLiteral("1 edited")));
        page->resize(1400, 800);
        test::saveScreenshot(*page, QStringLiteral("pairs.png"));
    }

    void bulkRuleApprovesByGapAndUndoesAtOnce()
    {
        auto page = openPage();
        QVERIFY(page);
        double smallest = 1.0;
        for (const auto id : m_fixture.pairIds)
            smallest = std::min(smallest, pairs().byId(id).gap);
        QVERIFY(page->approveAllWithGapAtLeast(1.5)); // gaps are at most 1
        QVERIFY(settle(*page));
        QVERIFY2(page->statusText().contains(QStringLiteral("Approved 0 ")), qPrintable(page->statusText()));
        QVERIFY(page->approveAllWithGapAtLeast(smallest));
        QVERIFY(!page->approveAllWithGapAtLeast(smallest)); // refused while the first runs
        QVERIFY(settle(*page));
        QVERIFY(page->statusText().contains(QStringLiteral("Approved 5 ")));
        QCOMPARE(pairs().count(store::ReviewState::Approved), std::int64_t(5));
        QVERIFY(page->countsText().contains(QStringLiteral("5 approved")));
        QVERIFY(page->handleKey(Qt::Key_U));
        QVERIFY(settle(*page));
        QCOMPARE(pairs().count(store::ReviewState::Pending), std::int64_t(5));
        QVERIFY(page->handleKey(Qt::Key_U));
        QVERIFY(page->statusText().contains(QStringLiteral("Nothing to undo")));
    }

    void aJudgeErrorEndsInTheStatusLine()
    {
        auto page = openPage([](const std::string &) { return std::make_unique<UnreachableJudge>(); });
        QVERIFY(page);
        QVERIFY(page->selectPair(m_fixture.pairIds[2]));
        const auto before = pairs().byId(m_fixture.pairIds[2]);
        QSignalSpy finished(page.get(), &PairsPage::actionFinished);
        QVERIFY(page->editCurrent(store::PairSide::Chosen, QStringLiteral("Answer: 1")));
        QTest::keyClick(page->list(), Qt::Key_A); // waits behind the edit, dropped when it fails
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY2(page->statusText().contains(QStringLiteral("connection refused")), qPrintable(page->statusText()));
        QVERIFY(page->statusText().contains(QStringLiteral("1 waiting key dropped")));
        QVERIFY(settle(*page));
        // The typed text is not lost: the edit is open again with it.
        auto *chosen = page->findChildren<ui::PairSideView *>().at(0);
        QVERIFY(chosen->isEditing());
        QCOMPARE(chosen->text(), QStringLiteral("Answer: 1"));
        QVERIFY(page->statusText().contains(QStringLiteral("Ctrl+S tries again")));
        QTest::keyClick(chosen->findChild<QPlainTextEdit *>(QStringLiteral("text")), Qt::Key_Escape);
        QVERIFY(!chosen->isEditing());
        QCOMPARE(chosen->text(), QString::fromStdString(before.chosenText));
        const auto after = pairs().byId(m_fixture.pairIds[2]);
        QCOMPARE(after.chosenText, before.chosenText); // untouched
        QCOMPARE(store::toString(after.reviewState), store::toString(store::ReviewState::Pending));
        QVERIFY(pairs().history(m_fixture.pairIds[2]).empty());
        QTest::keyClick(page->list(), Qt::Key_A); // the queue still works
        QVERIFY(settle(*page));
        QCOMPARE(store::toString(state(m_fixture.pairIds[2])), store::toString(store::ReviewState::Approved));
    }

    void aLockedProjectFileEndsInTheStatusLine()
    {
        auto page = openPage();
        QVERIFY(page);
        store::Database other(m_path.toStdString(), store::OpenMode::OpenExisting);
        other.exec("BEGIN IMMEDIATE"); // another program holds the write lock
        QSignalSpy finished(page.get(), &PairsPage::actionFinished);
        QTest::keyClick(page->list(), Qt::Key_A);
        QVERIFY(finished.wait(3 * store::Database::kBusyTimeoutMs));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY2(page->statusText().contains(QStringLiteral("locked")), qPrintable(page->statusText()));
        other.exec("ROLLBACK");
        QVERIFY(settle(*page));
        QCOMPARE(store::toString(state(m_fixture.pairIds[0])), store::toString(store::ReviewState::Pending));
        QTest::keyClick(page->list(), Qt::Key_A); // once the lock is gone the key works
        QVERIFY(settle(*page));
        QCOMPARE(store::toString(state(m_fixture.pairIds[0])), store::toString(store::ReviewState::Approved));
    }

    void aMissingProjectIsReported()
    {
        ui::JobController jobs;
        ui::ProjectSession session(&jobs);
        PairsPage page(&session);
        QVERIFY(!test::openAndWait(session, m_dir.filePath(QStringLiteral("missing.rlrf"))));
        QVERIFY(page.statusText().contains(QStringLiteral("missing.rlrf")));
        QVERIFY(page.handleKey(Qt::Key_A)); // the key is taken, and nothing breaks
        QVERIFY(page.statusText().contains(QStringLiteral("open a project")));
        QVERIFY(!page.approveAllWithGapAtLeast(0.5));
        QVERIFY(test::waitIdle(jobs));
    }

private:
    // The page on the fixture project, opened through a session, with the queue read.
    std::unique_ptr<PairsPage> openPage(review::JudgeFactory judges = {})
    {
        m_session.reset(); // the last test's, before its controller
        m_jobs = std::make_unique<ui::JobController>();
        m_session = std::make_unique<ui::ProjectSession>(m_jobs.get());
        auto page = std::make_unique<PairsPage>(m_session.get());
        if (judges)
            page->setJudgeFactory(std::move(judges));
        QSignalSpy loaded(page.get(), &PairsPage::queueLoaded);
        if (!test::openAndWait(*m_session, m_path) || !loaded.wait(30000) || !settle(*page))
            return nullptr;
        return page;
    }

    store::ReviewState state(std::int64_t id) { return pairs().byId(id).reviewState; }
    store::PairRepository pairs()
    {
        if (!m_reader || m_reader->path() != m_path.toStdString())
            m_reader = std::make_unique<store::Project>(store::Project::open(m_path.toStdString()));
        return store::PairRepository(m_reader->db());
    }
    std::string critiqueJudge(std::int64_t id)
    {
        pairs();
        return store::CritiqueRepository(m_reader->db()).byId(id).critique.judge;
    }

    QTemporaryDir m_dir;
    QString m_path;
    int m_counter = 0;
    test::ReviewProject m_fixture;
    std::unique_ptr<store::Project> m_reader;
    // Declared after the page's users: the session outlives no job controller.
    std::unique_ptr<ui::JobController> m_jobs;
    std::unique_ptr<ui::ProjectSession> m_session;
};

QTEST_MAIN(TestPairsPage)
#include "tst_pairs_page.moc"
