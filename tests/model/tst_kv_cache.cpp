// SPDX-License-Identifier: GPL-3.0-or-later
// The KV cache's row handling and the shared-prompt layout (model/kv_cache.h,
// model/cached_attention.h): rows dropped in place keep exactly what a gather
// keeps, a shared cache hands attention that reads one tensor the whole gathered
// history, and the shared-prompt attention gives each row bit for bit what the
// one-pass attention gives over that gathered history.
#include <torch/torch.h>

#include "model/cached_attention.h"
#include "model/kv_cache.h"

#include <QtTest/QtTest>

using namespace rlrf::model;

namespace {

constexpr std::int64_t kHeads = 2, kDim = 8, kLayers = 2;

torch::Tensor kv(std::int64_t rows, std::int64_t positions)
{
    return torch::randn({rows, kHeads, positions, kDim});
}

} // namespace

class TestKvCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::manual_seed(3); }

    void droppingRowsKeepsWhatAGatherKeeps()
    {
        KvCache cache(kLayers, 16);
        std::vector<torch::Tensor> keys, values;
        for (std::int64_t layer = 0; layer < kLayers; ++layer) {
            keys.push_back(kv(5, 6));
            values.push_back(kv(5, 6));
            cache.append(layer, keys.back(), values.back());
        }
        for (const auto &keep : {std::vector<std::int64_t>{0, 2, 3}, std::vector<std::int64_t>{1}}) {
            const auto index = torch::tensor(keep, torch::kInt64);
            cache.selectRows(index);
            for (std::int64_t layer = 0; layer < kLayers; ++layer) {
                keys[layer] = keys[layer].index_select(0, index);
                values[layer] = values[layer].index_select(0, index);
            }
            QCOMPARE(cache.batchSize(), static_cast<std::int64_t>(keep.size()));
            // One more position each, then the whole history must be the gathered one.
            for (std::int64_t layer = 0; layer < kLayers; ++layer) {
                const auto k = kv(cache.batchSize(), 1), v = kv(cache.batchSize(), 1);
                const auto [allKeys, allValues] = cache.append(layer, k, v);
                keys[layer] = torch::cat({keys[layer], k}, 2);
                values[layer] = torch::cat({values[layer], v}, 2);
                QVERIFY(torch::equal(allKeys, keys[layer]));
                QVERIFY(torch::equal(allValues, values[layer]));
            }
        }
    }

    void rowsOutOfOrderAreGathered()
    {
        KvCache cache(1, 8);
        const auto k = kv(3, 4), v = kv(3, 4);
        cache.append(0, k, v);
        const auto index = torch::tensor(std::vector<std::int64_t>{2, 0}, torch::kInt64);
        cache.selectRows(index);
        const auto [allKeys, allValues] = cache.append(0, kv(2, 1), kv(2, 1));
        QVERIFY(torch::equal(allKeys.narrow(2, 0, 4), k.index_select(0, index)));
        QVERIFY(torch::equal(allValues.narrow(2, 0, 4), v.index_select(0, index)));
    }

    void sharedPromptAttentionIsTheOnePassAttentionBitForBit()
    {
        torch::NoGradGuard noGrad;
        const std::int64_t prompts = 3, samples = 4, promptLength = 7, queryHeads = 2 * kHeads;
        KvCache cache(1, promptLength + 8);
        const auto promptKeys = kv(prompts, promptLength), promptValues = kv(prompts, promptLength);
        cache.append(0, promptKeys, promptValues);
        cache.shareRows(samples);
        QVERIFY(cache.sharesPrefix());
        QCOMPARE(cache.batchSize(), prompts * samples);
        // Prompt r's rows are r*samples .. r*samples+samples-1; some rows leave.
        std::vector<std::int64_t> promptOf;
        for (std::int64_t r = 0; r < prompts * samples; ++r)
            promptOf.push_back(r / samples);
        torch::Tensor ownKeys, ownValues;
        for (int step = 0; step < 3; ++step) {
            const auto rows = cache.batchSize();
            const auto k = kv(rows, 1), v = kv(rows, 1);
            const auto q = torch::randn({rows, queryHeads, 1, kDim});
            auto allowed = torch::ones({rows, 1, promptLength + step + 1}, torch::kBool);
            allowed.narrow(2, 0, 2).select(0, 0).fill_(false); // left padding of the first row's prompt
            const auto history = cache.appendShared(0, k, v);
            ownKeys = ownKeys.defined() ? torch::cat({ownKeys, k}, 2) : k;
            ownValues = ownValues.defined() ? torch::cat({ownValues, v}, 2) : v;
            QVERIFY(torch::equal(history.keys, ownKeys));
            QCOMPARE(*history.prefixOf, promptOf);
            const auto index = torch::tensor(promptOf, torch::kInt64);
            const auto wholeKeys = torch::cat({promptKeys.index_select(0, index), ownKeys}, 2);
            const auto wholeValues = torch::cat({promptValues.index_select(0, index), ownValues}, 2);
            QVERIFY(sharedPrefixAttentionApplies(q, history));
            const auto shared = sharedPrefixAttention(q, history, allowed, 0.35);
            const auto onePass = cachedAttention(q, wholeKeys, wholeValues, allowed, 0.35);
            QVERIFY(torch::equal(shared, onePass));
            // Rows 1, 6 and 7 end here (6 and 7: all of prompt 1's but two).
            if (step == 0) {
                std::vector<std::int64_t> keep;
                for (std::int64_t r = 0; r < rows; ++r)
                    if (r != 1 && r != 6 && r != 7)
                        keep.push_back(r);
                const auto keepIndex = torch::tensor(keep, torch::kInt64);
                cache.selectRows(keepIndex);
                ownKeys = ownKeys.index_select(0, keepIndex);
                ownValues = ownValues.index_select(0, keepIndex);
                std::vector<std::int64_t> kept;
                for (const auto r : keep)
                    kept.push_back(promptOf[static_cast<size_t>(r)]);
                promptOf = kept;
            }
        }
    }

    void aSharedCacheGivesWholeHistoriesToAttentionThatReadsOneTensor()
    {
        KvCache cache(1, 8);
        const auto promptKeys = kv(2, 3), promptValues = kv(2, 3);
        cache.append(0, promptKeys, promptValues);
        cache.shareRows(2);
        const auto k = kv(4, 1), v = kv(4, 1);
        const auto [allKeys, allValues] = cache.append(0, k, v);
        const auto index = torch::tensor(std::vector<std::int64_t>{0, 0, 1, 1}, torch::kInt64);
        QVERIFY(torch::equal(allKeys, torch::cat({promptKeys.index_select(0, index), k}, 2)));
        QVERIFY(torch::equal(allValues, torch::cat({promptValues.index_select(0, index), v}, 2)));
        QCOMPARE(cache.length(), std::int64_t(4));
    }
};

QTEST_GUILESS_MAIN(TestKvCache)
#include "tst_kv_cache.moc"
