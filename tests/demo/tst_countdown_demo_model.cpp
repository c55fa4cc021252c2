// SPDX-License-Identifier: GPL-3.0-or-later
// The shipped Countdown model for Reflect, Retry, Reward
// (resources/models/countdown-demo): it solves some held-out puzzles at the first
// try (the card: 31.4 % greedy on 500), writes the task's reflection form after a
// failed attempt, and its retry follows the reflection it is given: the task's
// perfect reflection makes most failures right, its own far fewer. That gap is
// what GRPO on reflection tokens can close.
#include "common/test_paths.h"

#include "model/text_model.h"
#include "pipeline/rrr/policy_sampler.h"
#include "tasks/countdown/countdown_task.h"
#include "types/prompt_formats.h"

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
        const rrr::PolicySampler sampler(*m_model, 64);
        const tasks::CountdownTask task;
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
        qInfo("first try %.2f on 100 test puzzles", firstTry);
        QVERIFY2(firstTry >= 0.2, qPrintable(QString::number(firstTry)));

        std::vector<prompts::Messages> reflect, oracleRetry;
        for (const auto i : failed) {
            reflect.push_back(prompts::reflectionMessages(problems[i].prompt, attempts[i].text));
            const auto oracle = task.oracleReflection(problems[i], attempts[i].text);
            QVERIFY(oracle.has_value()); // generated puzzles are solvable
            oracleRetry.push_back(prompts::retryMessages(problems[i].prompt, attempts[i].text, *oracle));
        }
        const auto own = sampler.sample(reflect, {1, 0.0, 96, 0});
        std::vector<prompts::Messages> ownRetry;
        for (std::size_t k = 0; k < failed.size(); ++k) {
            QVERIFY2(own[k].text.rfind("My equation did not reach the target", 0) == 0, own[k].text.c_str());
            QVERIFY2(own[k].text.find("One that does: ") != std::string::npos, own[k].text.c_str());
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
        QVERIFY2(oracle >= 0.6, qPrintable(QString::number(oracle)));
        QVERIFY2(oracle - ownShare >= 0.4, qPrintable(QString::number(ownShare)));
    }

private:
    std::unique_ptr<model::TextModel> m_model;
};

QTEST_GUILESS_MAIN(TestCountdownDemoModel)
#include "tst_countdown_demo_model.moc"
