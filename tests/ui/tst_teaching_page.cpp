// SPDX-License-Identifier: GPL-3.0-or-later
// Teaching mode, offscreen, with the real stories260K model and the arith rule
// judge: one arith prompt goes through sample, critique, refine, pair and one DPO
// step; Back and Next move between the steps shown; the last step shows the pair's
// log-probs before and after, and the step really moved them apart.
#include "ui/ui_test_helpers.h"
#include "views/teaching_page.h"
#include "worker/job_controller.h"

#include "common/review_fixture.h"
#include "common/stories_fixture.h"

#include "core/logging.h"
#include "tasks/arith/arith_task.h"
#include "teaching/walkthrough.h"

#include <QSignalSpy>
#include <QLabel>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;
using namespace rlrf::ui;

class TestTeachingPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        rlrf::log::init();
        rlrf::log::setConsoleLevel(spdlog::level::warn);
        QVERIFY(m_dir.isValid());
        m_model = QString::fromStdString(test::convertStories260K(m_dir.filePath(QStringLiteral("model"))));
        m_path = m_dir.filePath(QStringLiteral("teach.rlrf"));
        auto project = store::Project::create(m_path.toStdString(), {"arith", m_model.toStdString(), {}, 0});
        test::buildReviewProject(project, 1); // for the rubric
    }

    void walksOnePromptThroughTheLoop()
    {
        JobController jobs;
        TeachingPage page(&jobs);
        page.resize(1280, 900);
        page.setProject(m_path);
        const auto problem = tasks::ArithTask().generate(tasks::Split::Test, 1, 3).front();
        page.setPrompt(QString::fromStdString(problem.prompt));
        QVERIFY(page.startWalkthrough());
        QCOMPARE(page.shownStep(), 0);
        QVERIFY(page.shownHtml().contains(QString::fromStdString(problem.prompt).toHtmlEscaped().left(30)));

        QSignalSpy shown(&page, &TeachingPage::stepShown);
        const char *titles[] = {"Sample", "Critique", "Refine", "Pair", "One DPO step"};
        for (int step = 1; step <= 5; ++step) {
            QVERIFY(page.next());
            QTRY_VERIFY_WITH_TIMEOUT(page.shownStep() == step, 120000);
            QVERIFY2(page.shownHtml().contains(QString::fromLatin1(titles[step - 1])), qPrintable(page.shownHtml()));
            if (step == 2)
                test::saveScreenshot(page, QStringLiteral("teaching-critique.png"));
        }
        const auto *walk = page.walkthrough();
        QCOMPARE(walk->answers().size(), std::size_t(3)); // two samples and a refinement
        QVERIFY(walk->answers().back().refinement);
        for (const auto &answer : walk->answers()) {
            QVERIFY(answer.critique.has_value());
            QCOMPARE(answer.critique->judge, std::string("rule:arith"));
        }
        QVERIFY(*walk->chosen() != *walk->rejected());
        QVERIFY(walk->answers()[*walk->chosen()].critique->overall >= walk->answers()[*walk->rejected()].critique->overall);
        // One real DPO step: the loss starts at ln 2 and the margin grows.
        const auto &lp = *walk->logProbs();
        QVERIFY(std::abs(lp.loss - std::log(2.0)) < 1e-3);
        QVERIFY2(lp.chosenAfter - lp.rejectedAfter > lp.chosenBefore - lp.rejectedBefore,
                 qPrintable(QStringLiteral("margin %1 -> %2").arg(lp.chosenBefore - lp.rejectedBefore)
                                .arg(lp.chosenAfter - lp.rejectedAfter)));
        QVERIFY(page.logProbsShown());
        QCOMPARE(page.logProbSeriesCount(), 2);
        test::saveScreenshot(page, QStringLiteral("teaching.png"));

        QVERIFY(!page.next()); // the end
        QVERIFY(page.back());
        QCOMPARE(page.shownStep(), 4);
        QVERIFY(page.shownHtml().contains(QStringLiteral("Pair")));
        QVERIFY(!page.logProbsShown());
        QVERIFY(page.next()); // shows step 5 again without running anything
        QCOMPARE(page.shownStep(), 5);
        QVERIFY(!page.isBusy());
    }

    void aPromptTheJudgeCannotReadIsReported()
    {
        JobController jobs;
        TeachingPage page(&jobs);
        page.setProject(m_path);
        page.setModelFolder(m_model);
        page.setPrompt(QStringLiteral("Tell me a story."));
        QVERIFY(page.startWalkthrough());
        QVERIFY(page.next()); // sampling works on any prompt
        QTRY_VERIFY_WITH_TIMEOUT(page.shownStep() == 1, 60000);
        QVERIFY(page.next()); // the arith rule judge cannot read this prompt
        auto *status = page.findChild<QLabel *>(QStringLiteral("teaching.status"));
        QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 60000);
        QCOMPARE(page.shownStep(), 1);
        QVERIFY2(!status->text().isEmpty() && status->text() != QStringLiteral("Working…"), qPrintable(status->text()));
    }

    void noModelFolderIsReported()
    {
        JobController jobs;
        TeachingPage page(&jobs);
        page.setProject(m_path);
        page.setModelFolder(m_dir.filePath(QStringLiteral("no-such-model")));
        page.setPrompt(QStringLiteral("What is 2 + 2?"));
        QVERIFY(page.startWalkthrough());
        QVERIFY(page.next());
        QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 60000);
        QVERIFY(page.findChild<QLabel *>(QStringLiteral("teaching.status"))->text().contains(QStringLiteral("no-such-model")));
    }

private:
    QTemporaryDir m_dir;
    QString m_model, m_path;
};

QTEST_MAIN(TestTeachingPage)
#include "tst_teaching_page.moc"
