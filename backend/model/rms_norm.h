// SPDX-License-Identifier: GPL-3.0-or-later
// Root-mean-square layer norm (Zhang & Sennrich 2019) as Llama uses it: computed in
// float32 whatever the model's dtype, then cast back and scaled by the weight.
// Shape legend: B batch, T sequence, D model width, K head size.
#pragma once

#include <torch/torch.h>

namespace rlrf::model {

class RmsNormImpl : public torch::nn::Module {
public:
    RmsNormImpl(std::int64_t dim, double eps);

    // x [..., dim] -> same shape and dtype as x.
    torch::Tensor forward(const torch::Tensor &x);

    torch::Tensor weight; // [dim], registered as "weight"

private:
    double m_eps;
};
TORCH_MODULE(RmsNorm);

} // namespace rlrf::model
