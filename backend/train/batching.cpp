// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/batching.h"

#include "core/error.h"
#include "model/llama_model.h"

#include <algorithm>

namespace rlrf::train {

namespace {

void checkExample(const SftExample &e, std::size_t index, std::int64_t vocabSize, std::int64_t maxLength,
                  const std::string &set = "example")
{
    const std::string name = set + " " + std::to_string(index);
    if (e.promptIds.empty())
        throw Error(name + " has an empty prompt", {{}, 0, "prompt"});
    if (e.answerIds.empty())
        throw Error(name + " has an empty answer", {{}, 0, "completion"});
    const auto length = static_cast<std::int64_t>(e.promptIds.size() + e.answerIds.size());
    if (length > maxLength)
        throw Error(name + " has " + std::to_string(length) + " tokens, more than the model's "
                    + std::to_string(maxLength) + " positions");
    for (const auto *row : {&e.promptIds, &e.answerIds})
        for (const auto id : *row)
            if (id < 0 || id >= vocabSize)
                throw Error(name + " has token id " + std::to_string(id) + " outside the vocabulary of "
                                + std::to_string(vocabSize),
                            {{}, 0, row == &e.promptIds ? "prompt" : "completion"});
}

} // namespace

void checkSftExamples(const std::vector<SftExample> &examples, std::int64_t vocabSize, std::int64_t maxLength,
                      const std::string &set)
{
    for (std::size_t i = 0; i < examples.size(); ++i)
        checkExample(examples[i], i, vocabSize, maxLength, set);
}

SftBatch makeSftBatch(const std::vector<SftExample> &examples, const std::vector<std::size_t> &indices,
                      std::int64_t vocabSize, std::int64_t maxLength)
{
    if (indices.empty())
        throw Error("an SFT batch needs at least one example");
    std::int64_t longest = 1;
    for (const auto i : indices) {
        if (i >= examples.size())
            throw Error("example index " + std::to_string(i) + " outside the " + std::to_string(examples.size())
                        + " examples");
        checkExample(examples[i], i, vocabSize, maxLength);
        longest = std::max<std::int64_t>(
            longest, static_cast<std::int64_t>(examples[i].promptIds.size() + examples[i].answerIds.size()) - 1);
    }
    const auto batch = static_cast<std::int64_t>(indices.size());
    SftBatch b;
    b.inputIds = torch::zeros({batch, longest}, torch::kInt64);
    b.targets = torch::zeros({batch, longest}, torch::kInt64);
    b.keyMask = torch::zeros({batch, longest}, torch::kBool);
    b.lossMask = torch::zeros({batch, longest}, torch::kBool);
    b.positions = torch::arange(longest, torch::kInt64).unsqueeze(0).expand({batch, longest}).contiguous();
    for (std::int64_t row = 0; row < batch; ++row) {
        const auto &e = examples[indices[static_cast<std::size_t>(row)]];
        std::vector<std::int64_t> ids = e.promptIds;
        ids.insert(ids.end(), e.answerIds.begin(), e.answerIds.end());
        const auto n = static_cast<std::int64_t>(ids.size()) - 1; // inputs: all but the last token
        const auto p = static_cast<std::int64_t>(e.promptIds.size());
        const auto all = torch::tensor(ids, torch::kInt64);
        b.inputIds[row].narrow(0, 0, n).copy_(all.narrow(0, 0, n));
        b.targets[row].narrow(0, 0, n).copy_(all.narrow(0, 1, n));
        b.keyMask[row].narrow(0, 0, n).fill_(true);
        // Input position t predicts token t+1: answer tokens start at index p, so
        // positions p-1 .. n-1 carry the loss.
        b.lossMask[row].narrow(0, p - 1, n - p + 1).fill_(true);
        b.answerTokens += static_cast<std::int64_t>(e.answerIds.size());
    }
    return b;
}

namespace {

torch::Tensor answerPositions(const SftBatch &batch) // [N] flat indices into [B*T]
{
    return batch.lossMask.reshape({-1}).nonzero().squeeze(-1);
}

} // namespace

torch::Tensor answerLogits(model::LlamaModelImpl &model, const SftBatch &batch)
{
    const auto device = model.device();
    const auto hidden = model.hiddenStates(batch.inputIds.to(device), batch.positions.to(device),
                                           batch.keyMask.to(device));                  // [B,T,D]
    const auto picked = hidden.reshape({-1, hidden.size(-1)}).index_select(0, answerPositions(batch).to(device));
    return model.logitsFrom(picked);                                                    // [N,V]
}

torch::Tensor answerTargets(const SftBatch &batch)
{
    return batch.targets.reshape({-1}).index_select(0, answerPositions(batch));
}

torch::Tensor nllSum(const torch::Tensor &logits, const torch::Tensor &targets)
{
    const auto logProbs = torch::log_softmax(logits.to(torch::kFloat32), -1);           // [N,V]
    return -logProbs.gather(-1, targets.to(logits.device()).unsqueeze(-1)).sum();
}

} // namespace rlrf::train
