// SPDX-License-Identifier: GPL-3.0-or-later
// The shipped model for Reflect, Retry, Reward (resources/models/arith-reflect-demo):
// it keeps the first try (the card: 46.4 % greedy on 500 test problems), writes a
// worked reflection after a failed attempt, and its retry follows the reflection
// it is given: a perfect one makes nearly every failure right (the card: 99.6 %),
// its own far fewer. That gap is what GRPO on reflection tokens can close.
#include "common/test_paths.h"

#include "eval/task_eval.h"
#include "model/text_model.h"
#include "pipeline/rrr/policy_sampler.h"
#include "tasks/arith/arith_reflection.h"
#include "tasks/arith/arith_task.h"
#include "types/prompt_formats.h"

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
        const rrr::PolicySampler sampler(*m_model, 64);
        const tasks::ArithTask task;
        const auto problems = task.problems(tasks::Split::Test, 100, 0);
        std::vector<prompts::Messages> first;
        for (const auto &p : problems)
            first.push_back(prompts::answerMessages(p.prompt));
        const auto attempts = sampler.sample(first, {1, 0.0, 96, 0});
        std::vector<std::size_t> failed;
        for (std::size_t i = 0; i < problems.size(); ++i)
            if (!task.verify(problems[i], attempts[i].text).correct)
                failed.push_back(i);
        const double firstTry = 1.0 - double(failed.size()) / double(problems.size());
        qInfo("first try %.2f on 100 test problems", firstTry);
        QVERIFY2(firstTry >= 0.35, qPrintable(QString::number(firstTry)));

        std::vector<prompts::Messages> reflect, oracleRetry;
        for (const auto i : failed) {
            reflect.push_back(prompts::reflectionMessages(problems[i].prompt, attempts[i].text));
            const auto arith = tasks::ArithTask::problemFromPrompt(problems[i].prompt);
            oracleRetry.push_back(prompts::retryMessages(problems[i].prompt, attempts[i].text,
                                                         demo::arithWorkedReflection(arith, attempts[i].text)));
        }
        const auto own = sampler.sample(reflect, {1, 0.0, 96, 0});
        std::vector<prompts::Messages> ownRetry;
        for (std::size_t k = 0; k < failed.size(); ++k) {
            // The reflection it learned: the first mistake, then the chain again, no Answer line.
            QVERIFY2(own[k].text.find("Worked again:") != std::string::npos, own[k].text.c_str());
            QVERIFY2(own[k].text.find("Answer:") == std::string::npos, own[k].text.c_str());
            ownRetry.push_back(prompts::retryMessages(problems[failed[k]].prompt, attempts[failed[k]].text, own[k].text));
        }
        const auto solvedShare = [&](const std::vector<prompts::Messages> &retry) {
            const auto out = sampler.sample(retry, {1, 0.0, 96, 0});
            std::size_t solved = 0;
            for (std::size_t k = 0; k < failed.size(); ++k)
                solved += task.verify(problems[failed[k]], out[k].text).correct ? 1 : 0;
            return double(solved) / double(failed.size());
        };
        const double oracle = solvedShare(oracleRetry);
        const double ownShare = solvedShare(ownRetry);
        qInfo("of %zu failures: perfect reflection %.2f, own %.2f", failed.size(), oracle, ownShare);
        QVERIFY2(oracle >= 0.9, qPrintable(QString::number(oracle)));
        QVERIFY2(oracle - ownShare >= 0.5, qPrintable(QString::number(ownShare)));
    }

private:
    std::unique_ptr<model::TextModel> m_model;
};

QTEST_GUILESS_MAIN(TestReflectDemoModel)
#include "tst_reflect_demo_model.moc"
