// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/sampler.h"

#include <torch/torch.h>

#include "core/error.h"

#include <ATen/CPUGeneratorImpl.h>

#include <limits>

namespace rlrf::model {

namespace {

constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

void validate(const SamplingOptions &o)
{
    if (!(o.temperature >= 0.0))
        throw Error("temperature must be >= 0, got " + std::to_string(o.temperature), {"", 0, "temperature"});
    if (o.topK < 0)
        throw Error("top_k must be >= 0, got " + std::to_string(o.topK), {"", 0, "top_k"});
    if (!(o.topP > 0.0 && o.topP <= 1.0))
        throw Error("top_p must be in (0, 1], got " + std::to_string(o.topP), {"", 0, "top_p"});
}

} // namespace

torch::Tensor topKFilter(const torch::Tensor &logits, std::int64_t k)
{
    if (k <= 0 || k >= logits.size(-1))
        return logits;
    const auto kth = std::get<0>(logits.topk(k, -1)).narrow(-1, k - 1, 1); // [B,1]
    return logits.masked_fill(logits < kth, kMinusInfinity);
}

torch::Tensor topPFilter(const torch::Tensor &logits, double p)
{
    if (p >= 1.0)
        return logits;
    const auto [sorted, order] = logits.sort(-1, /*descending=*/true);
    const auto probs = torch::softmax(sorted.to(torch::kFloat32), -1);
    // A token is dropped when the tokens ranked above it already reach p.
    const auto before = probs.cumsum(-1) - probs;
    const auto dropSorted = before >= p;
    const auto drop = torch::zeros_like(dropSorted).scatter(-1, order, dropSorted);
    return logits.masked_fill(drop, kMinusInfinity);
}

Sampler::Sampler(SamplingOptions options, std::uint64_t seed)
    : m_options(options)
    , m_generator(at::make_generator<at::CPUGeneratorImpl>(seed))
{
    validate(m_options);
}

torch::Tensor Sampler::next(const torch::Tensor &logits)
{
    if (m_options.temperature == 0.0 || m_options.topK == 1)
        return logits.argmax(-1);
    auto scaled = logits.to(torch::kFloat32) / m_options.temperature;
    scaled = topPFilter(topKFilter(scaled, m_options.topK), m_options.topP);
    const auto probs = torch::softmax(scaled, -1).to(torch::kCPU);
    return torch::multinomial(probs, 1, /*replacement=*/false, m_generator).squeeze(-1).to(logits.device());
}

} // namespace rlrf::model
