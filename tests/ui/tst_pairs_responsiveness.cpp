// SPDX-License-Identifier: GPL-3.0-or-later
// The Pairs area stays responsive while its work runs on the backend thread, on
// a real project of 3,000 arith pairs rated by the arith rule judge: an edit is
// re-judged by a deliberately slow judge (the rule judge behind a 1.5 s wait, as a
// remote judge would take), with an approve typed meanwhile; then a bulk approve
// writes every pending pair. A 5 ms QTimer measures the longest gap between its
// ticks throughout; the stall is printed and a generous bound asserted (shared
// machines). Every action is checked against the stored pairs.
#include "ui/ui_test_helpers.h"

#include "models/pair_queue_model.h"
#include "views/pair_side_view.h"
#include "views/pairs_page.h"

#include "common/review_fixture.h"

#include "core/logging.h"
#include "feedback/rule_judge.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"
#include "store/transaction.h"

#include <QElapsedTimer>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <chrono>
#include <thread>

using namespace rlrf;

namespace {

constexpr int kPairs = 3000;
constexpr int kJudgeMs = 1500;

// The arith rule judge, slowed down: a real judge whose every answer takes
// kJudgeMs, the way a language-model judge behind an endpoint does.
class SlowRuleJudge : public feedback::Judge {
public:
    std::string id() const override { return "slow:" + m_rule.id(); }
    feedback::Critique judge(const feedback::JudgeRequest &request, const feedback::Rubric &rubric) override
    {
        std::this_thread::sleep_for(std::chrono::milliseconds(kJudgeMs));
        auto critique = m_rule.judge(request, rubric);
        critique.judge = id();
        return critique;
    }

private:
    feedback::ArithRuleJudge m_rule;
};

// Longest gap between the ticks of a 5 ms timer, kept while it runs.
class StallMeter {
public:
    explicit StallMeter(QObject *context)
    {
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, context, [this] {
            const qint64 now = m_clock.elapsed();
            if (m_last >= 0)
                m_longest = std::max(m_longest, now - m_last);
            m_last = now;
            ++m_ticks;
        });
        m_clock.start();
        m_timer.start();
    }
    qint64 longest() const { return m_longest; }
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    qint64 m_longest = 0;
    int m_ticks = 0;
};

} // namespace

class TestPairsResponsiveness : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        log::init();
        log::setConsoleLevel(spdlog::level::warn);
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("review.rlrf"));
        auto project = store::Project::create(m_path.toStdString(), {"arith", "models/arith-demo", {}, 0});
        store::Transaction tx(project.db()); // one commit for the whole fixture
        m_fixture = test::buildReviewProject(project, kPairs);
        tx.commit();
    }

    void guiThreadStaysResponsiveWhileReviewing()
    {
        ui::JobController jobs;
        ui::ProjectSession session(&jobs);
        ui::PairsPage page(&session);
        page.setJudgeFactory([](const std::string &) { return std::make_unique<SlowRuleJudge>(); });
        page.resize(1400, 800);
        page.show();
        QSignalSpy loaded(&page, &ui::PairsPage::queueLoaded);
        QVERIFY(test::openAndWait(session, m_path));
        QVERIFY(loaded.wait(60000));
        QVERIFY(QTest::qWaitFor([&] { return !page.isBusy(); }, 30000));
        QCOMPARE(page.list()->model()->rowCount(), kPairs);

        // The test's own reads of the stored pairs: opened before the meter starts
        // (opening checks the file, which is the test's cost, not the page's).
        store::Project check = store::Project::open(m_path.toStdString());
        store::PairRepository pairs(check.db());

        qint64 idleStall = 0; // the same meter with nothing running: the machine's own noise
        int idleTicks = 0;
        {
            StallMeter idle(this);
            QTest::qWait(300);
            idleStall = idle.longest();
            idleTicks = idle.ticks();
        }

        StallMeter meter(this);
        QSignalSpy finished(&page, &ui::PairsPage::actionFinished);
        // 1. Edit the rejected answer of the second pair: the slow judge rates it.
        const std::int64_t edited = m_fixture.pairIds[1];
        QVERIFY(page.selectPair(edited));
        QTest::keyClick(page.list(), Qt::Key_E, Qt::ShiftModifier);
        auto *rejected = page.findChildren<ui::PairSideView *>().at(1);
        auto *text = rejected->findChild<QPlainTextEdit *>(QStringLiteral("text"));
        text->setPlainText(QString::fromStdString(m_fixture.correct[1]));
        QElapsedTimer judging;
        judging.start();
        QTest::keyClick(text, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(rejected->overallText().startsWith(QStringLiteral("judging")));
        QTest::keyClick(page.list(), Qt::Key_A); // typed while the judge runs: waits
        QCOMPARE(page.queuedKeys(), 1);
        const int ticksBefore = meter.ticks();
        QVERIFY(QTest::qWaitFor([&] { return finished.size() >= 2; }, 60000)); // the edit, then the approve
        const qint64 editMs = judging.elapsed();
        const int ticksDuringEdit = meter.ticks() - ticksBefore;
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QCOMPARE(finished.at(1).at(0).toBool(), true);
        QVERIFY(editMs >= kJudgeMs);

        const auto pair = pairs.byId(edited);
        QCOMPARE(pair.rejectedText, m_fixture.correct[1]);
        QCOMPARE(store::CritiqueRepository(check.db()).byId(*pair.rejectedCritiqueId).critique.judge,
                 std::string("slow:rule:arith"));
        QCOMPARE(store::toString(pair.reviewState), store::toString(store::ReviewState::Approved));
        std::vector<std::string> actions;
        for (const auto &entry : pairs.history(edited))
            actions.push_back(entry.action);
        QCOMPARE(actions, (std::vector<std::string>{"edit_rejected", "rejudge", "approve"})); // the A ran once

        // 2. Approve every other pair in one bulk action.
        double smallest = 1.0;
        for (const auto &row : page.queueModel()->rows())
            if (row.state == store::ReviewState::Pending)
                smallest = std::min(smallest, row.gap);
        QElapsedTimer bulk;
        bulk.start();
        QVERIFY(page.approveAllWithGapAtLeast(smallest));
        QVERIFY(QTest::qWaitFor([&] { return finished.size() >= 3; }, 120000));
        const qint64 bulkMs = bulk.elapsed();
        QCOMPARE(finished.at(2).at(0).toBool(), true);
        QCOMPARE(pairs.count(store::ReviewState::Approved), std::int64_t(kPairs));
        QVERIFY2(page.statusText().contains(QStringLiteral("Approved %1 ").arg(kPairs - 1)),
                 qPrintable(page.statusText()));
        QVERIFY(page.countsText().contains(QStringLiteral("%1 approved").arg(kPairs)));

        qInfo("pairs: edit re-judged in %lld ms (%d GUI ticks meanwhile), bulk approve of %d pairs in %lld ms; "
              "longest GUI-thread stall %lld ms over %d ticks (idle: %lld ms over %d ticks in 300 ms)",
              editMs, ticksDuringEdit, kPairs - 1, bulkMs, meter.longest(), meter.ticks(), idleStall, idleTicks);
        QVERIFY2(ticksDuringEdit >= 50, qPrintable(QString::number(ticksDuringEdit)));
        QVERIFY2(meter.longest() < 250, qPrintable(QStringLiteral("GUI thread stalled %1 ms").arg(meter.longest())));
        QVERIFY(test::waitIdle(jobs));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    test::ReviewProject m_fixture;
};

QTEST_MAIN(TestPairsResponsiveness)
#include "tst_pairs_responsiveness.moc"
