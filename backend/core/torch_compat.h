// The one place where LibTorch version differences live. Debian ships 1.13 (CPU);
// users bring 2.x (often CUDA). Everything else includes this instead of guessing.
#pragma once

#include <torch/torch.h>
#include <torch/version.h>

#ifndef TORCH_VERSION_MAJOR
#error "torch/version.h did not define TORCH_VERSION_MAJOR"
#endif

namespace rlrf::compat {

// Bfloat16 autocast on CUDA: the guard type moved between 1.x and 2.x.
inline constexpr bool kHasModernAutocast = TORCH_VERSION_MAJOR >= 2;

// Optional argument of clip_grad_norm_ that 2.x added (error_if_nonfinite existed
// since 1.9, foreach since 2.0); callers get the same behaviour on both. The C++
// function returns the total norm as a double in 1.13 and 2.x alike; it is not
// finite when a gradient is not, and then nothing is scaled.
inline double clipGradNorm(std::vector<torch::Tensor> params, double maxNorm)
{
    return torch::nn::utils::clip_grad_norm_(std::move(params), maxNorm, 2.0);
}

} // namespace rlrf::compat
