// SPDX-License-Identifier: GPL-3.0-or-later
// The shipped Countdown model for Reflect, Retry, Reward
// (resources/models/countdown-demo): it solves some held-out puzzles at the first
// try (the card: 31.4 % greedy on 500), writes the task's reflection form after a
// failed attempt, and its retry follows the reflection it is given: the task's
// perfect reflection makes most failures right, its own far fewer. That gap is
// what GRPO on reflection tokens can close.
#include "common/reflection_headroom.h"
#include "common/test_paths.h"

#include "model/text_model.h"
#include "tasks/countdown/countdown_task.h"

#include <QtTest/QtTest>

using namespace rlrf;

class TestCountdownDemoModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QString folder = test::sourceDir() + QStringLiteral("/resources/models/countdown-demo");
        QVERIFY2(QFile::exists(folder + QStringLiteral("/model.safetensors")), qPrintable(folder));
        m_model = std::make_unique<model::TextModel>(model::TextModel::load(folder.toStdString()));
    }

    void perfectReflectionsLeadToRightRetriesAndItsOwnLessOften()
    {
        const tasks::CountdownTask task;
        const auto problems = task.problems(tasks::Split::Test, 100, 0);
        const auto h = test::measureReflectionHeadroom(
            *m_model, task, problems, [&task](const tasks::Problem &problem, const std::string &attempt) {
                return task.oracleReflection(problem, attempt).value_or("");
            });
        qInfo("first try %.2f on 100 test puzzles", h.firstTry);
        QVERIFY2(h.firstTry >= 0.2, qPrintable(QString::number(h.firstTry)));
        for (const auto &oracle : h.oracleReflections)
            QVERIFY(!oracle.empty()); // generated puzzles are solvable
        for (const auto &own : h.ownReflections) {
            QVERIFY2(own.rfind("My equation did not reach the target", 0) == 0, own.c_str());
            QVERIFY2(own.find("One that does: ") != std::string::npos, own.c_str());
        }
        qInfo("of %zu failures: perfect reflection %.2f, own %.2f", h.failed.size(), h.oracle, h.own);
        QVERIFY2(h.oracle >= 0.6, qPrintable(QString::number(h.oracle)));
        QVERIFY2(h.oracle - h.own >= 0.4, qPrintable(QString::number(h.own)));
    }

private:
    std::unique_ptr<model::TextModel> m_model;
};

QTEST_GUILESS_MAIN(TestCountdownDemoModel)
#include "tst_countdown_demo_model.moc"
