// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/rms_norm.h"

#include <torch/torch.h>

#include "model/inference_kernels.h"
#include "model/training_kernels.h"

namespace rlrf::model {

RmsNormImpl::RmsNormImpl(std::int64_t dim, double eps)
    : m_eps(eps)
{
    weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor &x)
{
    // Same order of operations as Hugging Face's LlamaRMSNorm: normalise in float32,
    // cast to the input dtype, then multiply by the weight.
    if (inferenceKernelsApply(x) && weight.scalar_type() == torch::kFloat32)
        return rmsNormInference(x, weight, m_eps);
    if (trainingKernelsApply(x) && weight.scalar_type() == torch::kFloat32)
        return rmsNormTraining(x, weight, m_eps);
    const auto x32 = x.to(torch::kFloat32);
    const auto normed = x32 * torch::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + m_eps);
    return weight * normed.to(x.scalar_type());
}

} // namespace rlrf::model
