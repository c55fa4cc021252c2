// SPDX-License-Identifier: GPL-3.0-or-later
// Shape legend: B batch, T longest prompt + completion, C longest completion, D width, V vocabulary.
#include "model/logprobs.h"

#include <torch/torch.h>

#include "core/error.h"
#include "model/llama_model.h"

#include <algorithm>

namespace rlrf::model {

namespace {

void validate(const LlamaModelImpl &model, const TokenRows &prompts, const TokenRows &completions)
{
    if (prompts.size() != completions.size())
        throw Error(std::to_string(prompts.size()) + " prompts but " + std::to_string(completions.size())
                    + " completions");
    const auto vocab = model.config().vocabSize;
    auto check = [vocab](const std::vector<std::int64_t> &row, const std::string &what) {
        for (const auto id : row)
            if (id < 0 || id >= vocab)
                throw Error(what + " has token id " + std::to_string(id) + " outside the vocabulary of "
                            + std::to_string(vocab));
    };
    for (size_t b = 0; b < prompts.size(); ++b) {
        if (prompts[b].empty())
            throw Error("prompt " + std::to_string(b) + " has no tokens");
        check(prompts[b], "prompt " + std::to_string(b));
        check(completions[b], "completion " + std::to_string(b));
    }
}

} // namespace

CompletionLogProbs completionLogProbs(LlamaModelImpl &model, const TokenRows &prompts, const TokenRows &completions)
{
    validate(model, prompts, completions);
    const auto batch = static_cast<std::int64_t>(prompts.size());
    std::int64_t total = 1, longestCompletion = 0;
    for (size_t b = 0; b < prompts.size(); ++b) {
        total = std::max<std::int64_t>(total, static_cast<std::int64_t>(prompts[b].size() + completions[b].size()));
        longestCompletion = std::max<std::int64_t>(longestCompletion, static_cast<std::int64_t>(completions[b].size()));
    }
    auto ids = torch::zeros({batch, total}, torch::kInt64);                    // [B,T]
    auto keyMask = torch::zeros({batch, total}, torch::kBool);                 // [B,T]
    auto targets = torch::zeros({batch, longestCompletion}, torch::kInt64);    // [B,C]
    auto mask = torch::zeros({batch, longestCompletion}, torch::kBool);        // [B,C]
    auto source = torch::zeros({batch, longestCompletion}, torch::kInt64);     // [B,C] position predicting each target
    for (std::int64_t b = 0; b < batch; ++b) {
        const auto &prompt = prompts[static_cast<size_t>(b)];
        const auto &completion = completions[static_cast<size_t>(b)];
        const auto p = static_cast<std::int64_t>(prompt.size());
        const auto c = static_cast<std::int64_t>(completion.size());
        ids[b].narrow(0, 0, p).copy_(torch::tensor(prompt, torch::kInt64));
        keyMask[b].narrow(0, 0, p + c).fill_(true);
        if (c == 0)
            continue;
        ids[b].narrow(0, p, c).copy_(torch::tensor(completion, torch::kInt64));
        targets[b].narrow(0, 0, c).copy_(torch::tensor(completion, torch::kInt64));
        mask[b].narrow(0, 0, c).fill_(true);
        source[b].narrow(0, 0, c).copy_(torch::arange(p - 1, p - 1 + c, torch::kInt64));
    }
    const auto device = model.device();
    const auto positions = torch::arange(total, torch::kInt64).unsqueeze(0).expand({batch, total}).to(device);
    const auto hidden = model.hiddenStates(ids.to(device), positions, keyMask.to(device)); // [B,T,D]
    // Only the positions that predict completion tokens go through the LM head.
    const auto picked = hidden.gather(
        1, source.to(device).unsqueeze(-1).expand({batch, longestCompletion, hidden.size(-1)})); // [B,C,D]
    const auto logSoftmax = torch::log_softmax(model.logitsFrom(picked), -1);                   // [B,C,V]
    const auto maskOnDevice = mask.to(device);
    auto logProbs = logSoftmax.gather(-1, targets.to(device).unsqueeze(-1)).squeeze(-1);         // [B,C]
    logProbs = logProbs.masked_fill(maskOnDevice.logical_not(), 0.0);
    return {logProbs, maskOnDevice};
}

std::vector<std::vector<float>> completionLogProbsNoGrad(LlamaModelImpl &model, const TokenRows &prompts,
                                                         const TokenRows &completions)
{
    torch::NoGradGuard noGrad;
    const auto result = completionLogProbs(model, prompts, completions).logProbs.to(torch::kCPU).contiguous();
    std::vector<std::vector<float>> rows(completions.size());
    for (size_t b = 0; b < completions.size(); ++b) {
        const auto *row = result[static_cast<std::int64_t>(b)].data_ptr<float>();
        rows[b].assign(row, row + completions[b].size());
    }
    return rows;
}

} // namespace rlrf::model
