// SPDX-License-Identifier: GPL-3.0-or-later
// The teaching walkthrough without the GUI, on the real stories260K model and the
// arith rule judge: the stages follow the loop, the DPO step is a real step (loss
// ln 2, the pair's margin grows), a stop request leaves a generating step undone,
// and bad input fails with its cause.
#include "common/error_assert.h"
#include "common/store_fixture.h"
#include "common/stories_fixture.h"

#include "tasks/arith/arith_task.h"
#include "teaching/walkthrough.h"
#include "types/rubric_io.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

using namespace rlrf;

class TestTeachingWalkthrough : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_options.modelFolder = test::convertStories260K(m_dir.filePath(QStringLiteral("model")));
        m_options.outputFolder = m_dir.filePath(QStringLiteral("step")).toStdString();
        m_rubric = feedback::loadRubricFile(test::rubricPath(QStringLiteral("default.json")).toStdString());
    }

    void stagesFollowTheLoop()
    {
        const auto problem = tasks::ArithTask().generate(tasks::Split::Test, 1, 5).front();
        teaching::Walkthrough walk(m_options, problem.prompt, m_rubric);
        const teaching::Stage expected[] = {teaching::Stage::Sampled, teaching::Stage::Critiqued,
                                            teaching::Stage::Refined, teaching::Stage::Paired,
                                            teaching::Stage::Trained};
        for (const auto stage : expected) {
            walk.next({});
            QCOMPARE(std::string(teaching::toString(walk.stage())), std::string(teaching::toString(stage)));
        }
        QCOMPARE(walk.answers().size(), std::size_t(3));
        const auto &lp = *walk.logProbs();
        QVERIFY(std::abs(lp.loss - std::log(2.0)) < 1e-3);
        QVERIFY(lp.chosenAfter - lp.rejectedAfter > lp.chosenBefore - lp.rejectedBefore);
        RLRF_VERIFY_THROWS_WITH(walk.next({}), "complete");
    }

    // Sampling and refining go through the pipeline's generation helper, which
    // checks the stop flag: a stopped step says so and can be run again.
    void aStopLeavesTheStepUndone()
    {
        teaching::Walkthrough walk(m_options, "What is 2 + 2?", m_rubric);
        RunContext stopped;
        stopped.cancel.requestStop();
        RLRF_VERIFY_THROWS_WITH(walk.next(stopped), "stopped");
        QVERIFY(walk.stage() == teaching::Stage::Start);
        QVERIFY(walk.answers().empty());
        walk.next({});
        QVERIFY(walk.stage() == teaching::Stage::Sampled);
        QCOMPARE(walk.answers().size(), std::size_t(2));
    }

    void badInputFailsWithItsCause()
    {
        auto options = m_options;
        options.samples = 1;
        RLRF_VERIFY_THROWS_WITH(teaching::Walkthrough(options, "What is 2 + 2?", m_rubric), "at least two");
        RLRF_VERIFY_THROWS_WITH(teaching::Walkthrough(m_options, "", m_rubric), "needs a prompt");
        options = m_options;
        options.modelFolder = m_dir.filePath(QStringLiteral("absent")).toStdString();
        teaching::Walkthrough walk(options, "What is 2 + 2?", m_rubric);
        RLRF_VERIFY_THROWS_WITH(walk.next({}), "absent");
        options = m_options;
        options.judgeSpec = "rule:unknown";
        teaching::Walkthrough badJudge(options, "What is 2 + 2?", m_rubric);
        RLRF_VERIFY_THROWS_WITH(badJudge.next({}), "unknown");
    }

private:
    QTemporaryDir m_dir;
    teaching::WalkthroughOptions m_options;
    feedback::Rubric m_rubric;
};

QTEST_GUILESS_MAIN(TestTeachingWalkthrough)
#include "tst_teaching_walkthrough.moc"
