// The one place where LibTorch version differences live. Debian ships 1.13 (CPU);
// users bring 2.x (often CUDA). Everything else includes this instead of guessing.
#pragma once

#include <ATen/autocast_mode.h>
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
    // The C++ API returns the total norm as a double in 1.13 and 2.x alike.
    return torch::nn::utils::clip_grad_norm_(std::move(params), maxNorm, 2.0);
}

// Bfloat16 autocast on CUDA for the scope of the guard; does nothing when not
// enabled (CPU runs stay in their own dtype). 2.4 made the calls take the device
// type; earlier versions name the GPU in the function.
class CudaBf16Autocast {
public:
    explicit CudaBf16Autocast(bool enable) : m_enabled(enable)
    {
        if (!m_enabled)
            return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
        m_wasEnabled = at::autocast::is_autocast_enabled(at::kCUDA);
        m_previousDtype = at::autocast::get_autocast_dtype(at::kCUDA);
        at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
        at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
        m_wasEnabled = at::autocast::is_enabled();
        m_previousDtype = at::autocast::get_autocast_gpu_dtype();
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
        at::autocast::set_enabled(true);
#endif
    }
    ~CudaBf16Autocast()
    {
        if (!m_enabled)
            return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
        at::autocast::set_autocast_enabled(at::kCUDA, m_wasEnabled);
        at::autocast::set_autocast_dtype(at::kCUDA, m_previousDtype);
#else
        at::autocast::set_enabled(m_wasEnabled);
        at::autocast::set_autocast_gpu_dtype(m_previousDtype);
#endif
        at::autocast::clear_cache();
    }
    CudaBf16Autocast(const CudaBf16Autocast &) = delete;
    CudaBf16Autocast &operator=(const CudaBf16Autocast &) = delete;

private:
    bool m_enabled = false;
    bool m_wasEnabled = false;
    at::ScalarType m_previousDtype = at::kHalf;
};

// Bfloat16 autocast on the CPU for the scope of the guard: float32 master
// weights, matrix products in bfloat16. Same version split as above (2.4 made
// the calls take the device type; before, the CPU has its own functions).
class CpuBf16Autocast {
public:
    explicit CpuBf16Autocast(bool enable) : m_enabled(enable)
    {
        if (!m_enabled)
            return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
        m_wasEnabled = at::autocast::is_autocast_enabled(at::kCPU);
        m_previousDtype = at::autocast::get_autocast_dtype(at::kCPU);
        at::autocast::set_autocast_dtype(at::kCPU, at::kBFloat16);
        at::autocast::set_autocast_enabled(at::kCPU, true);
#else
        m_wasEnabled = at::autocast::is_cpu_enabled();
        m_previousDtype = at::autocast::get_autocast_cpu_dtype();
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::set_cpu_enabled(true);
#endif
    }
    ~CpuBf16Autocast()
    {
        if (!m_enabled)
            return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
        at::autocast::set_autocast_enabled(at::kCPU, m_wasEnabled);
        at::autocast::set_autocast_dtype(at::kCPU, m_previousDtype);
#else
        at::autocast::set_cpu_enabled(m_wasEnabled);
        at::autocast::set_autocast_cpu_dtype(m_previousDtype);
#endif
        at::autocast::clear_cache();
    }
    CpuBf16Autocast(const CpuBf16Autocast &) = delete;
    CpuBf16Autocast &operator=(const CpuBf16Autocast &) = delete;

private:
    bool m_enabled = false;
    bool m_wasEnabled = false;
    at::ScalarType m_previousDtype = at::kBFloat16;
};

// Bfloat16 autocast on whichever device the weights are (master weights in
// float32 for the scope of the guard); does nothing when not enabled.
class Bf16Autocast {
public:
    Bf16Autocast(bool enable, bool cuda) : m_cuda(enable && cuda), m_cpu(enable && !cuda) {}

private:
    CudaBf16Autocast m_cuda;
    CpuBf16Autocast m_cpu;
};

} // namespace rlrf::compat
