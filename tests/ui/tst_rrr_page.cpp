// SPDX-License-Identifier: GPL-3.0-or-later
// The Reflect-Retry-Reward area, offscreen: RRR runs and their metric curves come
// from rows written through the store's repositories; attempt rows (from the
// loader) show attempt, reflection, retry and reward side by side. The Headroom
// section reads a run's evaluation queries written through the store's
// repository: totals per phase, one row per failure with both reflection ->
// retry chains side by side, new "after" rows added to a shown run, and a run
// without recorded queries saying so.
#include "plots/metric_chart.h"
#include "views/rrr_headroom.h"
#include "views/rrr_page.h"

#include "core/logging.h"
#include "store/metric_repository.h"
#include "store/project_file.h"
#include "store/rrr_eval_repository.h"
#include "store/run_repository.h"

#include <QTableWidget>
#include <QLabel>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;
using rlrf::ui::RrrPage;

class TestRrrPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        rlrf::log::init();
        rlrf::log::setConsoleLevel(spdlog::level::warn);
        QVERIFY(m_dir.isValid());
    }

    void listsRrrRunsWithCurvesAndAttempts()
    {
        const QString path = m_dir.filePath(QStringLiteral("rrr.rlrf"));
        std::int64_t rrrRun = 0;
        {
            auto project = store::Project::create(path.toStdString(), {"arith", "models/demo", {}, 0});
            store::RunRepository runs(project.db());
            runs.start(store::RunKind::Dpo, 1, "{}"); // not an RRR run: not listed
            rrrRun = runs.start(store::RunKind::Rrr, 0, R"({"group_size":4})");
            store::MetricRepository(project.db())
                .append(rrrRun, {{1, "rrr/retry_success", 0.25}, {2, "rrr/retry_success", 0.5},
                                 {3, "rrr/retry_success", 0.75}, {1, "rrr/loss", 0.1}});
        }
        std::int64_t loadedFor = 0;
        RrrPage page;
        page.setAttemptLoader([&](store::Database &, std::int64_t runId) {
            loadedFor = runId;
            ui::RrrAttemptRow row;
            row.step = 2;
            row.problem = QStringLiteral("Tom has 3 apples and buys 4 more. How many?");
            row.attempt = QStringLiteral("3 + 4 = 8\nAnswer: 8");
            row.verdict = QStringLiteral("answer 8 is not 7");
            row.reflection = QStringLiteral("I added wrongly: 3 + 4 is 7.");
            row.retry = QStringLiteral("3 + 4 = 7\nAnswer: 7");
            row.reward = 1.0;
            row.advantage = 0.5;
            return std::vector<ui::RrrAttemptRow>{row};
        });
        QVERIFY(page.setProject(path));
        QCOMPARE(page.runIds(), std::vector<std::int64_t>{rrrRun});
        QCOMPARE(loadedFor, rrrRun);
        // The first metric key by name is plotted: rrr/loss has one point.
        QVERIFY(page.chart()->pointCount() >= 1);
        QCOMPARE(page.attempts()->rowCount(), 1);
        QCOMPARE(page.shownText(QStringLiteral("reflection")), QStringLiteral("I added wrongly: 3 + 4 is 7."));
        QVERIFY(page.shownText(QStringLiteral("attempt")).contains(QStringLiteral("answer 8 is not 7")));
        QVERIFY(page.shownText(QStringLiteral("retry")).endsWith(QStringLiteral("Answer: 7")));
        QVERIFY(page.shownText(QStringLiteral("reward")).startsWith(QStringLiteral("Reward 1 ")));
    }

    // A run being written (here by hand, as `rlrf rrr` writes it): each reload adds
    // the new points and attempt rows to what is shown, keeps the selected
    // attempt, and a newer run takes over only when the person has not picked one.
    void followsARunningRunAndKeepsAPickedOne()
    {
        const QString path = m_dir.filePath(QStringLiteral("follow.rlrf"));
        std::int64_t first = 0;
        {
            auto project = store::Project::create(path.toStdString(), {"arith", "models/demo", {}, 0});
            first = store::RunRepository(project.db()).start(store::RunKind::Rrr, 0, "{}");
            store::MetricRepository(project.db()).append(first, {{1, "rrr/reward_mean", 0.25}});
        }
        std::size_t attemptsWritten = 1;
        RrrPage page;
        page.setAttemptLoader([&](store::Database &, std::int64_t) {
            std::vector<ui::RrrAttemptRow> rows(attemptsWritten);
            for (std::size_t i = 0; i < rows.size(); ++i)
                rows[i].step = static_cast<qint64>(i + 1);
            return rows;
        });
        QVERIFY(page.setProject(path));
        QCOMPARE(page.shownRunId(), first);
        QCOMPARE(page.chart()->pointCount(), 1);
        page.attempts()->setCurrentCell(0, 0);

        for (int step = 2; step <= 4; ++step) {
            {
                auto project = store::Project::open(path.toStdString());
                store::MetricRepository(project.db()).append(first, {{step, "rrr/reward_mean", 0.25 * step}});
            }
            attemptsWritten = static_cast<std::size_t>(step);
            QVERIFY(page.reload());
            QCOMPARE(page.chart()->pointCount(), step);
            QCOMPARE(page.attempts()->rowCount(), step);
            QCOMPARE(page.attempts()->currentRow(), 0); // what the person looks at stays
        }
        QCOMPARE(page.chart()->lastValue(), 1.0);

        // A newer run is followed while the person has not picked an older one...
        std::int64_t second = 0;
        {
            auto project = store::Project::open(path.toStdString());
            second = store::RunRepository(project.db()).start(store::RunKind::Rrr, 0, "{}");
            store::MetricRepository(project.db()).append(second, {{1, "rrr/reward_mean", 0.5}});
        }
        QVERIFY(page.reload());
        QCOMPARE(page.shownRunId(), second);
        // ...and once they have, a newer run does not take it away.
        QVERIFY(page.selectRun(first));
        QCOMPARE(page.shownRunId(), first);
        {
            auto project = store::Project::open(path.toStdString());
            store::RunRepository(project.db()).start(store::RunKind::Rrr, 0, "{}");
        }
        QVERIFY(page.reload());
        QCOMPARE(page.runIds().size(), std::size_t{3});
        QCOMPARE(page.shownRunId(), first);
        QCOMPARE(page.chart()->pointCount(), 4);
    }

    void headroomShowsTotalsAndBothChains()
    {
        const QString path = m_dir.filePath(QStringLiteral("headroom.rlrf"));
        std::int64_t run = 0;
        {
            auto project = store::Project::create(path.toStdString(), {"arith", "models/demo", {}, 0});
            run = store::RunRepository(project.db()).start(store::RunKind::Rrr, 0, "{}");
            store::RrrEvalRepository(project.db())
                .replace(run, store::kRrrPhaseBefore,
                         {{0, "a/0", "Tom has 3 apples and buys 4 more.", "3 + 4 = 7\nAnswer: 7", true, "", "", false,
                           "", "", false},
                          {1, "a/1", "Sue has 9 pens and gives away 2.", "9 - 2 = 6\nAnswer: 6", false,
                           "I should subtract.", "9 - 2 = 6\nAnswer: 6", false,
                           "I made a mistake in step 1: arithmetic slip. Worked again:\n9 - 2 = 7",
                           "9 - 2 = 7\nAnswer: 7", true},
                          {2, "a/2", "Ann has 8 cups and breaks half.", "Answer: 2", false, "Half of 8 is 4.",
                           "8 / 2 = 4\nAnswer: 4", true, "I made a mistake in step 1. Worked again:\n8 / 2 = 4",
                           "8 / 2 = 5\nAnswer: 5", false}});
        }
        RrrPage page;
        QVERIFY(page.setProject(path));
        auto *headroom = page.headroom();
        QVERIFY(headroom->totalsText().contains(QStringLiteral(
            "Before training: of 2 failures, the model's own reflection led to a right retry in 1, a perfect "
            "reflection in 1.")));
        QVERIFY(headroom->totalsText().contains(QStringLiteral("After training: not recorded.")));
        auto *table = headroom->failures();
        QCOMPARE(table->rowCount(), 2); // the failures only
        QCOMPARE(table->item(0, 3)->text(), QStringLiteral("✗"));
        QCOMPARE(table->item(0, 4)->text(), QStringLiteral("✓"));
        QCOMPARE(table->item(1, 3)->text(), QStringLiteral("✓"));
        QCOMPARE(table->item(1, 4)->text(), QStringLiteral("✗"));
        QCOMPARE(headroom->shownText(QStringLiteral("prompt")), QStringLiteral("Sue has 9 pens and gives away 2."));
        QCOMPARE(headroom->shownText(QStringLiteral("own reflection")), QStringLiteral("I should subtract."));
        QVERIFY(headroom->shownText(QStringLiteral("oracle reflection")).endsWith(QStringLiteral("9 - 2 = 7")));
        QVERIFY(headroom->shownText(QStringLiteral("oracle retry")).endsWith(QStringLiteral("Answer: 7")));
        table->setCurrentCell(1, 0); // as a click does
        QCOMPARE(headroom->shownText(QStringLiteral("own retry")), QStringLiteral("8 / 2 = 4\nAnswer: 4"));
        QVERIFY(headroom->shownText(QStringLiteral("verdicts")).contains(QStringLiteral("Own reflection's retry ✓ right")));

        // The run evaluated after training (here by hand): a reload adds the rows,
        // the selected failure stays; a task without an oracle says so.
        {
            auto project = store::Project::open(path.toStdString());
            store::RrrEvalRepository(project.db())
                .replace(run, store::kRrrPhaseAfter,
                         {{0, "a/0", "Tom has 3 apples and buys 4 more.", "Answer: 8", false, "Add again.", "Answer: 8",
                           false, "", "", false}});
        }
        QVERIFY(page.reload());
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->currentRow(), 1);
        QCOMPARE(table->item(2, 0)->text(), QStringLiteral("after"));
        QCOMPARE(table->item(2, 4)->text(), QStringLiteral("—"));
        QVERIFY(headroom->totalsText().contains(QStringLiteral(
            "After training: of 1 failure, the model's own reflection led to a right retry in 0; the task has no "
            "perfect reflection.")));
    }

    void aRunWithoutRecordedQueriesHasNoHeadroom()
    {
        const QString path = m_dir.filePath(QStringLiteral("old.rlrf"));
        {
            auto project = store::Project::create(path.toStdString(), {"arith", "models/demo", {}, 0});
            store::RunRepository(project.db()).start(store::RunKind::Rrr, 0, "{}");
        }
        RrrPage page;
        QVERIFY(page.setProject(path));
        QVERIFY(page.headroom()->totalsText().startsWith(QStringLiteral("No headroom recorded for this run")));
        QCOMPARE(page.headroom()->failures()->rowCount(), 0);
        QVERIFY(page.headroom()->shownText(QStringLiteral("attempt")).isEmpty());
    }

    void aMissingProjectIsReported()
    {
        RrrPage page;
        QVERIFY(!page.setProject(m_dir.filePath(QStringLiteral("missing.rlrf"))));
        QVERIFY(page.findChild<QLabel *>(QStringLiteral("rrr.status"))->text().contains(QStringLiteral("missing.rlrf")));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestRrrPage)
#include "tst_rrr_page.moc"
