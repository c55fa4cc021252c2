// SPDX-License-Identifier: GPL-3.0-or-later
// The shipped demo model (resources/models/arith-demo): it loads with its
// tokenizer and chat template, clears an accuracy floor on a fixed set of test
// problems (the model card reports 39.2 % on 500; the floor leaves room for
// floating-point differences between machines, not for a broken model), and it
// learned the other two skills it ships for: refining wrong answers with the
// rule judge's feedback, and writing a reflection after a failed attempt.
#include "common/test_paths.h"

#include "eval/task_eval.h"
#include "model/policy_prompt.h"
#include "model/text_model.h"
#include "tasks/arith/arith_rule_judge.h"
#include "tasks/arith/arith_task.h"
#include "types/critique_text.h"

#include <QtTest/QtTest>

using namespace rlrf;

class TestDemoModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QString folder = test::sourceDir() + QStringLiteral("/resources/models/arith-demo");
        QVERIFY2(QFile::exists(folder + QStringLiteral("/model.safetensors")), qPrintable(folder));
        m_model = std::make_unique<model::TextModel>(model::TextModel::load(folder.toStdString()));
    }

    void hasItsTokenizerAndTemplate()
    {
        QVERIFY(m_model->hasChatTemplate());
        QCOMPARE(m_model->policy().config().numLayers, std::int64_t(4));
        QCOMPARE(m_model->tokenizer().tokenToId("<|end|>"), std::optional<std::int32_t>(0));
        const auto ids = model::policyPromptIds(*m_model, prompts::answerMessages("Mia has 3 apples."));
        QCOMPARE(QString::fromStdString(m_model->decode(ids, false)),
                 QStringLiteral("<|user|>\nMia has 3 apples.<|end|>\n<|assistant|>\n"));
    }

    void clearsTheFloorOnFixedTestProblems()
    {
        eval::TaskEvalOptions options;
        options.n = 100;
        options.seed = 0;
        const auto result = eval::evaluateOnTask(*m_model, tasks::ArithTask(), options);
        QCOMPARE(result.n, std::size_t(100));
        qInfo("greedy accuracy on 100 test problems (seed 0): %.2f", result.accuracy);
        QVERIFY2(result.accuracy >= 0.25, qPrintable(QString::number(result.accuracy)));
        for (const auto &item : result.items) // the format is learned even where the numbers are wrong
            QVERIFY2(QString::fromStdString(item.response).contains(QStringLiteral("Answer: ")), item.response.c_str());
    }

    // Refinement is the skill RLRF leans on: of wrong sampled answers, a share
    // comes back right after the rule judge's feedback (the card: 13.6 % of 323).
    void refinesWrongAnswersWithTheJudgesFeedback()
    {
        eval::TaskEvalOptions options;
        options.n = 100;
        options.seed = 0;
        options.temperature = 0.8;
        const auto feedbackFor = [](const tasks::Problem &problem, const std::string &response) {
            const auto arith = tasks::ArithTask::problemFromPrompt(problem.prompt);
            return feedback::refinementFeedback(feedback::judgeArith(arith, response));
        };
        const auto y = eval::refinementYield(*m_model, tasks::ArithTask(), options, feedbackFor);
        qInfo("refinement fixed %zu of %zu wrong answers", y.fixed, y.wrong);
        QVERIFY(y.wrong >= 30);
        QVERIFY2(y.fixed >= 3, qPrintable(QString::number(y.fixed)));
    }

    void reflectsOnAFailedAttempt()
    {
        const std::string story = "Mia has 12 apples. She buys 5 more apples at the shop. She sells 3 apples to Tom. "
                                  "She buys enough to have 2 times as many apples as before. How many apples does Mia "
                                  "have now?";
        const std::string attempt = "12 + 5 = 17\n17 - 3 = 15\n15 * 2 = 30\nAnswer: 30";
        model::GenerationOptions greedy;
        greedy.sampling.temperature = 0.0;
        greedy.maxNewTokens = 96;
        const auto out =
            m_model->generate({model::policyPromptIds(*m_model, prompts::reflectionMessages(story, attempt))}, greedy);
        const QString reflection = QString::fromStdString(out.at(0).text);
        QVERIFY2(reflection.startsWith(QStringLiteral("I made a mistake")), qPrintable(reflection));
        QVERIFY2(!reflection.contains(QStringLiteral("Answer:")), qPrintable(reflection));
    }

private:
    std::unique_ptr<model::TextModel> m_model;
};

QTEST_GUILESS_MAIN(TestDemoModel)
#include "tst_demo_model.moc"
