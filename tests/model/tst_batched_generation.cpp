// SPDX-License-Identifier: GPL-3.0-or-later
// The one batched generation loop (model/batched_generation.h) on the real
// stories260K model: its batches are exactly what generate() gives for the same
// prompts and seeds, every prompt's samples come back together and in order,
// batches that run side by side on two threads give what one thread gives, and
// a stop request ends it between batches or drops the batch it cut short.
#include <torch/torch.h>

#include "model/batched_generation.h"

#include "common/stories_fixture.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;

class TestBatchedGeneration : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::optional<model::TextModel> m_model;
    std::vector<std::vector<std::int64_t>> m_prompts;

    model::GenerationOptions sampling() const
    {
        model::GenerationOptions g;
        g.maxNewTokens = 12;
        g.numSamples = 2;
        g.sampling.temperature = 1.0;
        return g;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_model = model::TextModel::load(test::convertStories260K(m_dir.filePath(QStringLiteral("model"))));
        for (const char *text : {"Once upon a time", "The cat", "Lily saw a", "One day, Tom", "The sun"})
            m_prompts.push_back(m_model->promptIds(text, false));
    }

    void batchesAreWhatGenerateGives()
    {
        model::BatchSettings batches;
        batches.promptsPerBatch = 2;
        batches.seedOfBatch = [](std::size_t first) { return 1000 + first; };
        std::vector<std::size_t> firsts;
        std::vector<model::TextSample> all;
        const bool finished = model::generateInBatches(
            *m_model, m_prompts.size(), [this](std::size_t i) { return m_prompts[i]; }, sampling(), batches, nullptr,
            [&](std::size_t first, const std::vector<std::vector<std::int64_t>> &prompts,
                std::vector<model::TextSample> samples) {
                firsts.push_back(first);
                QCOMPARE(prompts.front(), m_prompts[first]);
                for (auto &s : samples) {
                    s.promptIndex += first;
                    all.push_back(std::move(s));
                }
            });
        QVERIFY(finished);
        QCOMPARE(firsts, (std::vector<std::size_t>{0, 2, 4}));
        QCOMPARE(all.size(), std::size_t(10));
        for (std::size_t i = 0; i < all.size(); ++i)
            QCOMPARE(all[i].promptIndex, i / 2); // a prompt's samples together, prompts in order

        // The second batch by hand: the same prompts and seed give the same texts.
        auto g = sampling();
        g.seed = 1002;
        const auto direct = m_model->generate({m_prompts[2], m_prompts[3]}, g);
        QCOMPARE(direct.size(), std::size_t(4));
        for (std::size_t k = 0; k < 4; ++k)
            QCOMPARE(direct[k].text, all[4 + k].text);
    }

    void sideBySideBatchesGiveWhatOneThreadGives()
    {
        model::BatchSettings batches;
        batches.promptsPerBatch = 1;
        batches.seedOfBatch = [](std::size_t first) { return 77 + first; };
        auto run = [&](int threads) {
            at::set_num_threads(threads);
            std::vector<std::vector<std::int64_t>> ids;
            std::vector<std::size_t> order;
            const bool finished = model::generateInBatches(
                *m_model, m_prompts.size(), [this](std::size_t i) { return m_prompts[i]; }, sampling(), batches,
                nullptr, [&](std::size_t first, const std::vector<std::vector<std::int64_t>> &, std::vector<model::TextSample> samples) {
                    order.push_back(first);
                    for (auto &s : samples)
                        ids.push_back(s.ids);
                });
            [&] { QVERIFY(finished); }();
            [&] { QCOMPARE(order, (std::vector<std::size_t>{0, 1, 2, 3, 4})); }();
            return ids;
        };
        const int threads = at::get_num_threads();
        const auto one = run(1);
        const auto two = run(2);
        at::set_num_threads(threads);
        QCOMPARE(one.size(), std::size_t(10));
        QCOMPARE(two, one);
    }

    void aStopRequestEndsItBetweenBatches()
    {
        CancelToken cancel;
        model::BatchSettings batches;
        batches.promptsPerBatch = 2;
        int calls = 0;
        const bool finished = model::generateInBatches(
            *m_model, m_prompts.size(), [this](std::size_t i) { return m_prompts[i]; }, sampling(), batches, &cancel,
            [&](std::size_t, const std::vector<std::vector<std::int64_t>> &, std::vector<model::TextSample>) {
                ++calls;
                cancel.requestStop(); // after the first batch
            });
        QVERIFY(!finished);
        QCOMPARE(calls, 1);

        cancel.requestStop();
        const bool none = model::generateInBatches(
            *m_model, m_prompts.size(), [this](std::size_t i) { return m_prompts[i]; }, sampling(), batches, &cancel,
            [&](std::size_t, const std::vector<std::vector<std::int64_t>> &, std::vector<model::TextSample>) { ++calls; });
        QVERIFY(!none);
        QCOMPARE(calls, 1);
    }
};

QTEST_GUILESS_MAIN(TestBatchedGeneration)
#include "tst_batched_generation.moc"
