// SPDX-License-Identifier: GPL-3.0-or-later
// The mechanics of the Reflect-Retry-Reward loop on the real stories260K model
// (shared/data/models/stories260K, converted here; it has no chat template, so
// the plain-text conversation is used). Accuracy is not the point: the task
// below is a real Task whose verifier is a fixed rule on the response text (an
// even number of characters), chosen because a story model passes it about half
// the time, which gives failures to mine and reward spread inside groups.
// Checked: mining counts, groups of G tries with 1/0 rewards, advantages as
// groupAdvantages computes them, metrics, the policy changes while the
// reference does not, cancel before the first step, and settings errors.
#include "pipeline/rrr/rrr_trainer.h"

#include "common/error_assert.h"
#include "common/stories_fixture.h"
#include "model/text_model.h"
#include "train/grpo_advantages.h"

#include <torch/torch.h>

#include "model/llama_model.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <set>

using namespace rlrf;

namespace {

class EvenLengthTask : public tasks::Task {
public:
    std::string name() const override { return "even-length"; }
    std::vector<tasks::Problem> problems(tasks::Split, std::size_t count, std::uint64_t) const override
    {
        static const char *const starts[] = {"Once upon a time", "Lily wanted a dog", "The sun was hot",
                                             "Tom saw a big tree", "A little bird sang", "Sue had a red hat"};
        std::vector<tasks::Problem> out;
        for (std::size_t i = 0; i < count; ++i)
            out.push_back({"story/" + std::to_string(i), starts[i % 6], "", ""});
        return out;
    }
    tasks::Verdict verify(const tasks::Problem &, const std::string &response) const override
    {
        return {response.size() % 2 == 0, "length " + std::to_string(response.size())};
    }
};

double weightSum(const model::TextModel &m)
{
    double s = 0.0;
    for (const auto &p : m.policy().module().parameters())
        s += p.detach().abs().sum().item<double>();
    return s;
}

rrr::RrrConfig smallConfig()
{
    rrr::RrrConfig c;
    c.groupSize = 4;
    c.failuresPerStep = 2;
    c.maxSteps = 3;
    c.maxAnswerTokens = 24;
    c.maxReflectionTokens = 16;
    c.learningRate = 1e-3;
    c.seed = 3;
    return c;
}

} // namespace

class TestRrrLoop : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_folder;
    EvenLengthTask m_task;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_folder = test::convertStories260K(m_dir.filePath(QStringLiteral("model")));
    }

    void miningKeepsFailedAttempts()
    {
        const auto model = model::TextModel::load(m_folder);
        const rrr::PolicySampler sampler(model, 5);
        const auto queries = m_task.problems(tasks::Split::Train, 12, 0);
        const auto mined = rrr::mineFailures(sampler, m_task, queries, {4, 1.0, 24, 2, 9});
        QCOMPARE(mined.queries, std::int64_t{12});
        QCOMPARE(mined.attempts, std::int64_t{48});
        QVERIFY(mined.correctAttempts > 0 && mined.correctAttempts < 48);
        QVERIFY(mined.failures.size() <= static_cast<std::size_t>(2 * mined.queriesWithFailure));
        QVERIFY(mined.failures.size() >= static_cast<std::size_t>(mined.queriesWithFailure));
        for (const auto &f : mined.failures)
            QVERIFY(!m_task.verify(f.problem, f.attempt).correct);
        const auto again = rrr::mineFailures(sampler, m_task, queries, {4, 1.0, 24, 2, 9});
        QCOMPARE(again.failures.size(), mined.failures.size()); // seeded
    }

    void trainsOnReflectionGroups()
    {
        const auto policy = model::TextModel::load(m_folder);
        const auto reference = model::TextModel::load(m_folder);
        const rrr::PolicySampler sampler(policy, 8);
        const auto mined = rrr::mineFailures(sampler, m_task, m_task.problems(tasks::Split::Train, 8, 0),
                                             {2, 1.0, 24, 1, 1});
        QVERIFY(mined.failures.size() >= 2);
        const double policyBefore = weightSum(policy), referenceBefore = weightSum(reference);
        std::vector<rrr::StepRecord> records;
        std::set<std::string> keys;
        RunContext context;
        context.onMetric = [&keys](std::int64_t, const std::string &key, double value) {
            QVERIFY(std::isfinite(value));
            keys.insert(key);
        };
        const auto config = smallConfig();
        const auto result = rrr::trainRrr(config, policy, reference, m_task, mined.failures, context,
                                          [&records](const rrr::StepRecord &r) { records.push_back(r); });
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        QCOMPARE(result.steps, std::int64_t{3});
        QCOMPARE(records.size(), std::size_t{3});
        double trainedRows = 0.0;
        for (const auto &r : records) {
            QCOMPARE(r.groups.size(), std::size_t{2});
            for (std::size_t g = 0; g < r.groups.size(); ++g) {
                std::vector<double> rewards;
                for (const auto &t : r.groups[g].tries) {
                    QVERIFY(t.reward == 0.0 || t.reward == 1.0);
                    QCOMPARE(t.reward == 1.0, m_task.verify({}, t.retry).correct);
                    rewards.push_back(t.reward);
                }
                QCOMPARE(rewards.size(), std::size_t{4});
                const auto expected = train::groupAdvantages(rewards);
                for (std::size_t t = 0; t < rewards.size(); ++t)
                    QCOMPARE(r.advantages[g][t], expected.advantages[t]);
                trainedRows += expected.zeroSpread ? 0.0 : 4.0;
            }
        }
        for (const char *key : {"rrr/reward_mean", "rrr/reward_std", "rrr/zero_spread_share", "rrr/reflection_tokens",
                                "rrr/kl", "rrr/loss", "rrr/grad_norm", "rrr/learning_rate"})
            QVERIFY2(keys.count(key), key);
        QVERIFY2(trainedRows > 0, "no group had reward spread; the fixture task should give some");
        QVERIFY(weightSum(policy) != policyBefore);
        QCOMPARE(weightSum(reference), referenceBefore);
    }

    void cancelStopsBeforeTheFirstStep()
    {
        const auto policy = model::TextModel::load(m_folder);
        const double before = weightSum(policy);
        RunContext context;
        context.cancel.requestStop();
        const std::vector<rrr::FailedAttempt> failures = {{m_task.problems(tasks::Split::Train, 1, 0)[0], "x", ""}};
        const auto result = rrr::trainRrr(smallConfig(), policy, policy, m_task, failures, context);
        QVERIFY(result.outcome == Outcome::Cancelled);
        QCOMPARE(result.steps, std::int64_t{0});
        QCOMPARE(weightSum(policy), before);
        RLRF_VERIFY_THROWS_WITH(rrr::trainRrr(smallConfig(), policy, policy, m_task, {}, RunContext{}),
                                "no failed attempts");
    }

    void settingsRoundTripAndBadSettingsAreNamed()
    {
        auto config = smallConfig();
        config.beta = 0.01;
        const auto back = rrr::rrrConfigFromJson(rrr::toJson(config), "test");
        QCOMPARE(rrr::toJson(back), rrr::toJson(config));
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"group_sise", 4}}, "cfg.json"), "cfg.json: 'group_sise'");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"group_size", "four"}}, "cfg.json"), "wrong type");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"seed", -1}}, "cfg.json"), "'seed'");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"group_size", 1}}, "cfg.json"), "group_size must be");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"clip_epsilon", 1.5}}, "cfg.json"), "clip_epsilon");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson(nlohmann::json::array(), "cfg.json"), "JSON object");
        QCOMPARE(rrr::plannedSteps(rrr::RrrConfig{}, 40), std::int64_t{2}); // ceil(40 / 32)
        rrr::RrrConfig eight;
        eight.failuresPerStep = 8;
        QCOMPARE(rrr::plannedSteps(eight, 20), std::int64_t{3}); // ceil(20 / 8)
    }
};

QTEST_GUILESS_MAIN(TestRrrLoop)
#include "tst_rrr_loop.moc"
