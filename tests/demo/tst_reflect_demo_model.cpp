// SPDX-License-Identifier: GPL-3.0-or-later
// The shipped model for Reflect, Retry, Reward (resources/models/arith-reflect-demo):
// it keeps the first try (the card: 46.4 % greedy on 500 test problems), writes a
// worked reflection after a failed attempt, and its retry follows the reflection
// it is given: a perfect one makes nearly every failure right (the card: 99.6 %),
// its own far fewer. That gap is what GRPO on reflection tokens can close.
#include "common/reflection_headroom.h"
#include "common/test_paths.h"

#include "model/text_model.h"
#include "tasks/arith/arith_reflection.h"
#include "tasks/arith/arith_task.h"

#include <QtTest/QtTest>

using namespace rlrf;

class TestReflectDemoModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QString folder = test::sourceDir() + QStringLiteral("/resources/models/arith-reflect-demo");
        QVERIFY2(QFile::exists(folder + QStringLiteral("/model.safetensors")), qPrintable(folder));
        m_model = std::make_unique<model::TextModel>(model::TextModel::load(folder.toStdString()));
    }

    void perfectReflectionsLeadToRightRetriesAndItsOwnLessOften()
    {
        const tasks::ArithTask task;
        const auto problems = task.problems(tasks::Split::Test, 100, 0);
        const auto h = test::measureReflectionHeadroom(
            *m_model, task, problems, [](const tasks::Problem &problem, const std::string &attempt) {
                return demo::arithWorkedReflection(tasks::ArithTask::problemFromPrompt(problem.prompt), attempt);
            });
        qInfo("first try %.2f on 100 test problems", h.firstTry);
        QVERIFY2(h.firstTry >= 0.35, qPrintable(QString::number(h.firstTry)));
        for (const auto &own : h.ownReflections) {
            // The reflection it learned: the first mistake, then the chain again, no Answer line.
            QVERIFY2(own.find("Worked again:") != std::string::npos, own.c_str());
            QVERIFY2(own.find("Answer:") == std::string::npos, own.c_str());
        }
        qInfo("of %zu failures: perfect reflection %.2f, own %.2f", h.failed.size(), h.oracle, h.own);
        QVERIFY2(h.oracle >= 0.9, qPrintable(QString::number(h.oracle)));
        QVERIFY2(h.oracle - h.own >= 0.5, qPrintable(QString::number(h.own)));
    }

private:
    std::unique_ptr<model::TextModel> m_model;
};

QTEST_GUILESS_MAIN(TestReflectDemoModel)
#include "tst_reflect_demo_model.moc"
