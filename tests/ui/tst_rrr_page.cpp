// SPDX-License-Identifier: GPL-3.0-or-later
// The Reflect-Retry-Reward area, offscreen: RRR runs and their metric curves come
// from rows written through the store's repositories; attempt rows (from the
// loader) show attempt, reflection, retry and reward side by side.
#include "plots/metric_chart.h"
#include "views/rrr_page.h"

#include "core/logging.h"
#include "store/metric_repository.h"
#include "store/project_file.h"
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
