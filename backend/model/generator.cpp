// SPDX-License-Identifier: GPL-3.0-or-later
// Shape legend: P prompts, A active rows, L longest prompt, S cached length, V vocabulary.
#include "model/generator.h"

#include <torch/torch.h>

#include "core/error.h"
#include "model/llama_model.h"
#include "model/sampler.h"

#include <algorithm>

namespace rlrf::model {

const char *toString(FinishReason reason)
{
    switch (reason) {
    case FinishReason::Length: return "length";
    case FinishReason::Eos: return "eos";
    case FinishReason::StopString: return "stop_string";
    case FinishReason::Cancelled: return "cancelled";
    }
    return "unknown";
}

namespace {

void validate(const LlamaModelImpl &model, const std::vector<std::vector<std::int64_t>> &prompts,
              const GenerationOptions &options, const DecodeFunction &decode)
{
    if (prompts.empty())
        throw Error("no prompts to generate from");
    const auto vocab = model.config().vocabSize;
    for (size_t p = 0; p < prompts.size(); ++p) {
        if (prompts[p].empty())
            throw Error("prompt " + std::to_string(p) + " has no tokens");
        for (const auto id : prompts[p])
            if (id < 0 || id >= vocab)
                throw Error("prompt " + std::to_string(p) + " has token id " + std::to_string(id)
                            + " outside the vocabulary of " + std::to_string(vocab));
    }
    if (options.maxNewTokens < 0)
        throw Error("must be >= 0", {"", 0, "max_new_tokens"});
    if (options.numSamples < 1)
        throw Error("must be >= 1", {"", 0, "num_samples"});
    if (!options.stopStrings.empty() && !decode)
        throw Error("stop strings need a decode function", {"", 0, "stop_strings"});
}

// The loop state; rows that finish leave the batch (and the cache) at once.
class GenerationRun {
public:
    GenerationRun(LlamaModelImpl &model, const GenerationOptions &options, const DecodeFunction &decode)
        : m_model(model), m_options(options), m_decode(decode), m_sampler(options.sampling, options.seed)
    {
    }

    GenerationResult run(const std::vector<std::vector<std::int64_t>> &prompts, const CancelToken *cancel);

private:
    void prefill(const std::vector<std::vector<std::int64_t>> &prompts);
    bool finishes(GeneratedSequence &row, std::int64_t token) const;
    void keepRows(const std::vector<std::int64_t> &keep);

    LlamaModelImpl &m_model;
    const GenerationOptions &m_options;
    const DecodeFunction &m_decode;
    Sampler m_sampler;
    KvCache m_cache;
    std::vector<GeneratedSequence> m_rows;
    std::vector<size_t> m_active;   // batch row -> index in m_rows
    // [A,L+maxNewTokens] bool, allocated once and written in place: each step
    // marks its new position real and passes the first S columns as a view.
    torch::Tensor m_keyMask;
    std::int64_t m_length = 0;      // S: the positions the mask covers so far
    torch::Tensor m_nextPositions;  // [A] int64
    torch::Tensor m_lastLogits;     // [A,V] float32
};

void GenerationRun::prefill(const std::vector<std::vector<std::int64_t>> &prompts)
{
    const auto count = static_cast<std::int64_t>(prompts.size());
    std::int64_t longest = 0;
    for (const auto &p : prompts)
        longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(p.size()));
    auto ids = torch::full({count, longest}, m_options.padId, torch::kInt64);      // [P,L]
    auto positions = torch::zeros({count, longest}, torch::kInt64);               // [P,L]
    auto keyMask = torch::zeros({count, longest}, torch::kBool);                  // [P,L]
    for (std::int64_t p = 0; p < count; ++p) {
        const auto &prompt = prompts[static_cast<size_t>(p)];
        const auto length = static_cast<std::int64_t>(prompt.size());
        const auto pad = longest - length;
        ids[p].narrow(0, pad, length).copy_(torch::tensor(prompt, torch::kInt64));
        positions[p].narrow(0, pad, length).copy_(torch::arange(length, torch::kInt64));
        keyMask[p].narrow(0, pad, length).fill_(true);
    }
    const auto device = m_model.device();
    const auto capacity = longest + m_options.maxNewTokens;
    m_cache = m_model.makeCache(capacity);
    m_keyMask = torch::zeros({count, capacity}, torch::TensorOptions().dtype(torch::kBool).device(device));
    m_keyMask.narrow(1, 0, longest).copy_(keyMask);
    m_length = longest;
    const auto hidden = m_model.hiddenStates(ids.to(device), positions.to(device), m_keyMask.narrow(1, 0, m_length),
                                             &m_cache);
    m_lastLogits = m_model.logitsFrom(hidden.select(1, longest - 1));              // [P,V]
    m_nextPositions = positions.select(1, longest - 1).to(device) + 1;             // [P]

    // n samples of a prompt share its prefill: expand the cache instead of recomputing.
    const auto n = m_options.numSamples;
    if (n > 1) {
        // On the CPU in float32 the samples read their prompt's positions from one
        // copy (cached_attention.h); elsewhere each sample gets its own copy.
        if (device.is_cpu() && m_model.dtype() == torch::kFloat32)
            m_cache.shareRows(n);
        else
            m_cache.repeatRows(n);
        m_keyMask = m_keyMask.repeat_interleave(n, 0);
        m_lastLogits = m_lastLogits.repeat_interleave(n, 0);
        m_nextPositions = m_nextPositions.repeat_interleave(n, 0);
    }
    for (size_t p = 0; p < prompts.size(); ++p)
        for (std::int64_t s = 0; s < n; ++s) {
            m_active.push_back(m_rows.size());
            m_rows.push_back(GeneratedSequence{p, {}, FinishReason::Length});
        }
}

bool GenerationRun::finishes(GeneratedSequence &row, std::int64_t token) const
{
    row.tokens.push_back(token);
    const auto &eos = m_options.eosIds;
    if (std::find(eos.begin(), eos.end(), token) != eos.end()) {
        row.reason = FinishReason::Eos;
        return true;
    }
    if (m_options.stopStrings.empty())
        return false;
    const std::string text = m_decode(row.tokens);
    for (const auto &stop : m_options.stopStrings)
        if (!stop.empty() && text.find(stop) != std::string::npos) {
            row.reason = FinishReason::StopString;
            return true;
        }
    return false;
}

void GenerationRun::keepRows(const std::vector<std::int64_t> &keep)
{
    const auto index = torch::tensor(keep, torch::kInt64).to(m_keyMask.device());
    m_cache.selectRows(index);
    m_keyMask = m_keyMask.index_select(0, index);
    m_nextPositions = m_nextPositions.index_select(0, index);
    std::vector<size_t> active;
    for (const auto a : keep)
        active.push_back(m_active[static_cast<size_t>(a)]);
    m_active = std::move(active);
}

GenerationResult GenerationRun::run(const std::vector<std::vector<std::int64_t>> &prompts, const CancelToken *cancel)
{
    torch::NoGradGuard noGrad;
    GenerationResult result;
    prefill(prompts);
    for (std::int64_t step = 0; step < m_options.maxNewTokens && !m_active.empty(); ++step) {
        if (cancel && cancel->stopRequested()) {
            for (const auto r : m_active)
                m_rows[r].reason = FinishReason::Cancelled;
            result.cancelled = true;
            break;
        }
        const auto next = m_sampler.next(m_lastLogits);                    // [A]
        const auto nextCpu = next.to(torch::kCPU);
        const auto *ids = nextCpu.data_ptr<std::int64_t>();
        std::vector<std::int64_t> keep;
        for (size_t a = 0; a < m_active.size(); ++a)
            if (!finishes(m_rows[m_active[a]], ids[a]))
                keep.push_back(static_cast<std::int64_t>(a));
        if (keep.empty() || step + 1 == m_options.maxNewTokens)
            break;
        auto input = next;
        if (keep.size() < m_active.size()) {
            keepRows(keep);
            input = next.index_select(0, torch::tensor(keep, torch::kInt64).to(next.device()));
        }
        const auto rows = static_cast<std::int64_t>(m_active.size());
        m_keyMask.select(1, m_length).fill_(true); // the token fed in now is real
        ++m_length;
        m_lastLogits = m_model
                           .forward(input.view({rows, 1}), m_nextPositions.view({rows, 1}),
                                    m_keyMask.narrow(1, 0, m_length), &m_cache)
                           .select(1, 0);                                  // [A,V]
        m_nextPositions = m_nextPositions + 1;
    }
    result.sequences = std::move(m_rows);
    return result;
}

} // namespace

GenerationResult generate(LlamaModelImpl &model, const std::vector<std::vector<std::int64_t>> &prompts,
                          const GenerationOptions &options, const DecodeFunction &decode, const CancelToken *cancel)
{
    validate(model, prompts, options, decode);
    GenerationRun run(model, options, decode);
    return run.run(prompts, cancel);
}

} // namespace rlrf::model
