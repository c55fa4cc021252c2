// SPDX-License-Identifier: GPL-3.0-or-later
// The pair review queue, offscreen, on a real project of arith problems rated by
// the arith rule judge: one key per action changes the stored pair, an edit is
// judged again, the bulk rule approves by gap, counts follow, and undo restores.
#include "views/pair_side_view.h"
#include "views/pairs_page.h"

#include "common/review_fixture.h"

#include "core/logging.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"

#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;
using rlrf::ui::PairsPage;

class TestPairsPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        rlrf::log::init();
        rlrf::log::setConsoleLevel(spdlog::level::warn);
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
        PairsPage page;
        QVERIFY(page.setProject(m_path));
        auto *list = page.findChild<QTableWidget *>(QStringLiteral("pairs.list"));
        QCOMPARE(list->rowCount(), 5);
        QCOMPARE(page.currentPairId(), m_fixture.pairIds[0]);
        QVERIFY(page.countsText().contains(QStringLiteral("5 pending")));

        QTest::keyClick(list, Qt::Key_A); // approve, then on to the next pair
        QCOMPARE(store::toString(state(m_fixture.pairIds[0])), store::toString(store::ReviewState::Approved));
        QCOMPARE(page.currentPairId(), m_fixture.pairIds[1]);
        QTest::keyClick(list, Qt::Key_R);
        QCOMPARE(store::toString(state(m_fixture.pairIds[1])), store::toString(store::ReviewState::Rejected));
        QCOMPARE(page.currentPairId(), m_fixture.pairIds[2]);
        const auto before = pairs().byId(m_fixture.pairIds[2]);
        QTest::keyClick(list, Qt::Key_S); // swap stays on the pair
        QCOMPARE(pairs().byId(m_fixture.pairIds[2]).chosenCandidateId, before.rejectedCandidateId);
        QCOMPARE(page.currentPairId(), m_fixture.pairIds[2]);
        QTest::keyClick(list, Qt::Key_K);
        QCOMPARE(page.currentPairId(), m_fixture.pairIds[1]);
        QTest::keyClick(list, Qt::Key_J);
        QTest::keyClick(list, Qt::Key_J);
        QCOMPARE(page.currentPairId(), m_fixture.pairIds[3]);
        QVERIFY(page.countsText().contains(QStringLiteral("1 approved")));
        QVERIFY(page.countsText().contains(QStringLiteral("1 rejected")));
        QVERIFY(page.countsText().contains(QStringLiteral("3 pending")));

        QTest::keyClick(list, Qt::Key_U); // undo the swap
        QCOMPARE(pairs().byId(m_fixture.pairIds[2]).chosenCandidateId, before.chosenCandidateId);
        QCOMPARE(page.currentPairId(), m_fixture.pairIds[2]);
        QTest::keyClick(list, Qt::Key_Z, Qt::ControlModifier); // and the reject
        QCOMPARE(store::toString(state(m_fixture.pairIds[1])), store::toString(store::ReviewState::Pending));
        QCOMPARE(pairs().history(m_fixture.pairIds[1]).back().action, std::string("undo"));
    }

    void anEditTypedInTheQueueIsJudgedAgain()
    {
        PairsPage page;
        QVERIFY(page.setProject(m_path));
        QVERIFY(page.statusText().contains(QStringLiteral("rule:arith")));
        QVERIFY(page.selectPair(m_fixture.pairIds[1]));
        auto *list = page.findChild<QTableWidget *>(QStringLiteral("pairs.list"));
        QTest::keyClick(list, Qt::Key_E, Qt::ShiftModifier); // edit the rejected side
        const auto sides = page.findChildren<ui::PairSideView *>();
        QCOMPARE(sides.size(), 2);
        auto *rejected = sides[1];
        QVERIFY(rejected->isEditing());
        auto *text = rejected->findChild<QPlainTextEdit *>(QStringLiteral("text"));
        QCOMPARE(text->toPlainText(), QString::fromStdString(m_fixture.wrong[1]));
        text->setPlainText(QString::fromStdString(m_fixture.correct[1]));
        QTest::keyClick(text, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(!rejected->isEditing());
        const auto pair = pairs().byId(m_fixture.pairIds[1]);
        QCOMPARE(store::toString(pair.reviewState), store::toString(store::ReviewState::Edited));
        QCOMPARE(pair.rejectedText, m_fixture.correct[1]);
        // Judged again by the rule judge: two correct answers rate alike.
        QVERIFY(std::abs(pair.gap) < 1e-9);
        QCOMPARE(critiqueJudge(*pair.rejectedCritiqueId), std::string("rule:arith"));
        // The rejected side's ratings on screen are the new critique's.
        QCOMPARE(rejected->aspects()->rowCount(), 8);
        QVERIFY(page.countsText().contains(QStringLiteral("1 edited")));
        page.resize(1400, 800);
        saveScreenshot(page, QStringLiteral("pairs.png"));
    }

    void bulkRuleApprovesByGapAndUndoesAtOnce()
    {
        PairsPage page;
        QVERIFY(page.setProject(m_path));
        double smallest = 1.0;
        for (const auto id : m_fixture.pairIds)
            smallest = std::min(smallest, pairs().byId(id).gap);
        QCOMPARE(page.approveAllWithGapAtLeast(1.5), std::int64_t(0)); // gaps are at most 1
        QCOMPARE(page.approveAllWithGapAtLeast(smallest), std::int64_t(5));
        QVERIFY(page.countsText().contains(QStringLiteral("5 approved")));
        QVERIFY(page.handleKey(Qt::Key_U));
        QCOMPARE(pairs().count(store::ReviewState::Pending), std::int64_t(5));
        QVERIFY(page.handleKey(Qt::Key_U));
        QVERIFY(page.statusText().contains(QStringLiteral("Nothing to undo")));
    }

    void aMissingProjectIsReported()
    {
        PairsPage page;
        QVERIFY(!page.setProject(m_dir.filePath(QStringLiteral("missing.rlrf"))));
        QVERIFY(page.statusText().contains(QStringLiteral("missing.rlrf")));
        QVERIFY(page.handleKey(Qt::Key_A)); // the key is taken, and nothing breaks
        QVERIFY(page.statusText().contains(QStringLiteral("open a project")));
    }

private:
    static void saveScreenshot(QWidget &widget, const QString &name)
    {
        const QString dir = qEnvironmentVariable("RLRF_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            widget.grab().save(dir + QLatin1Char('/') + name);
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
};

QTEST_MAIN(TestPairsPage)
#include "tst_pairs_page.moc"
