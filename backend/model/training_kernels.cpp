// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/training_kernels.h"

#include "model/float_sums.h"
#include "model/inference_kernels.h"

#include <ATen/Parallel.h>

#if defined(__GNUC__) && defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace rlrf::model {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

#if defined(__GNUC__) && defined(__x86_64__)
// Debian builds for any x86-64: each loop below is compiled twice, for any
// x86-64 and for AVX2 with FMA, the wide one chosen when the processor runs it
// (as cached_attention.cpp does). Without trapping math GCC turns fastExp's
// clamps into vector selects; nothing here reads floating-point exception flags.
#define RLRF_ALWAYS_INLINE inline __attribute__((always_inline))
#if defined(__clang__)
#define RLRF_FLOAT_KERNEL // clang does not trap on floating point by default, nor knows optimize()
#else
#define RLRF_FLOAT_KERNEL __attribute__((optimize("no-trapping-math")))
#endif
#define RLRF_WIDE_TARGET __attribute__((target("avx2,fma")))

bool wideKernels()
{
    static const bool wide = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }();
    return wide;
}

// Denormals flushed to zero while a kernel runs, restored after. The vectorized
// clamps in fastExp compute both sides of a select, and the side thrown away can
// be a denormal (x / 1.7e38): without this, each such lane stalls the processor
// (a SwiGLU forward ran ten times slower). A result below 1.2e-38 becomes 0.
class FlushDenormals {
public:
    FlushDenormals() : m_saved(_mm_getcsr()) { _mm_setcsr(m_saved | 0x8040); } // FTZ | DAZ
    ~FlushDenormals() { _mm_setcsr(m_saved); }
    FlushDenormals(const FlushDenormals &) = delete;
    FlushDenormals &operator=(const FlushDenormals &) = delete;

private:
    unsigned m_saved;
};

// name(PARAMS) runs nameBody(ARGS), compiled for any x86-64 and for AVX2 + FMA.
#define RLRF_DISPATCHED(name, PARAMS, ARGS)                                                              \
    RLRF_FLOAT_KERNEL void name##Portable PARAMS                                                         \
    {                                                                                                    \
        FlushDenormals flush;                                                                            \
        name##Body ARGS;                                                                                 \
    }                                                                                                    \
    RLRF_FLOAT_KERNEL RLRF_WIDE_TARGET void name##Wide PARAMS                                            \
    {                                                                                                    \
        FlushDenormals flush;                                                                            \
        name##Body ARGS;                                                                                 \
    }                                                                                                    \
    void name PARAMS { (wideKernels() ? name##Wide : name##Portable) ARGS; }
#else
#define RLRF_ALWAYS_INLINE inline
#define RLRF_DISPATCHED(name, PARAMS, ARGS) \
    void name PARAMS { name##Body ARGS; }
#endif

// e^x in plain arithmetic the compiler vectorizes (std::exp is a call per
// element): e^x = 2^n e^r with n = round(x / ln 2), |r| <= ln(2)/2, and e^r by
// its Taylor polynomial of degree 6 (error below 2e-7 relative). Inputs are
// clamped to [-87, 88], inside float's normal range.
RLRF_ALWAYS_INLINE float fastExp(float x)
{
    x = x < -87.0f ? -87.0f : x; // selects, not branches: the loop stays vectorizable
    x = x > 88.0f ? 88.0f : x;
    const float shifter = 12582912.0f; // 1.5 * 2^23: adding it rounds to an integer
    const float n = (x * 1.44269504f + shifter) - shifter;
    const float r = (x - n * 0.693145751953125f) - n * 1.42860677e-6f; // ln 2 in two parts
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
    return p * __builtin_bit_cast(float, bits);
}

// ---- RMSNorm ---------------------------------------------------------------

RLRF_ALWAYS_INLINE void rmsNormRowsBody(const float *x, const float *w, float *y, float *inv, std::int64_t d,
                                  std::int64_t begin, std::int64_t end, float eps)
{
    for (std::int64_t r = begin; r < end; ++r) {
        const float *xr = x + r * d;
        float *yr = y + r * d;
        double sum = 0.0; // as rmsNormInference: a double sum
        for (std::int64_t i = 0; i < d; ++i)
            sum += static_cast<double>(xr[i]) * xr[i];
        const float s = 1.0f / std::sqrt(static_cast<float>(sum / static_cast<double>(d)) + eps);
        inv[r] = s;
        for (std::int64_t i = 0; i < d; ++i)
            yr[i] = w[i] * (xr[i] * s);
    }
}
RLRF_DISPATCHED(rmsNormRows,
                (const float *x, const float *w, float *y, float *inv, std::int64_t d, std::int64_t begin, std::int64_t end, float eps),
                (x, w, y, inv, d, begin, end, eps))

// dx = inv * (g - n * mean(g * n)) with g = w * dy and n = x * inv; the weight's
// gradient sum(dy * n) over the rows [begin, end) into dwPartial.
RLRF_ALWAYS_INLINE void rmsNormBackwardRowsBody(const float *x, const float *w, const float *inv, const float *dy,
                                          float *dx, float *dwPartial, std::int64_t d, std::int64_t begin,
                                          std::int64_t end)
{
    for (std::int64_t r = begin; r < end; ++r) {
        const float *xr = x + r * d;
        const float *dyr = dy + r * d;
        const float s = inv[r];
        float dot = 0.0f;
        for (std::int64_t i = 0; i < d; ++i)
            dot += w[i] * dyr[i] * (xr[i] * s);
        const float c = dot / static_cast<float>(d);
        if (dx) {
            float *dxr = dx + r * d;
            for (std::int64_t i = 0; i < d; ++i)
                dxr[i] = s * (w[i] * dyr[i] - xr[i] * s * c);
        }
        if (dwPartial)
            for (std::int64_t i = 0; i < d; ++i)
                dwPartial[i] += dyr[i] * (xr[i] * s);
    }
}
RLRF_DISPATCHED(rmsNormBackwardRows,
                (const float *x, const float *w, const float *inv, const float *dy, float *dx, float *dwPartial, std::int64_t d, std::int64_t begin, std::int64_t end),
                (x, w, inv, dy, dx, dwPartial, d, begin, end))

// Rows per chunk of the weight's gradient: the chunks' partial sums are added in
// chunk order, so the gradient is the same whatever the number of threads.
constexpr std::int64_t kRowsPerChunk = 64;

class RmsNormFunction : public torch::autograd::Function<RmsNormFunction> {
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &xIn, const torch::Tensor &weightIn,
                                 double eps)
    {
        const auto x = xIn.contiguous();
        const auto weight = weightIn.contiguous();
        const auto d = x.size(-1);
        const auto rows = x.numel() / std::max<std::int64_t>(d, 1);
        auto y = torch::empty_like(x);
        auto inv = torch::empty({rows}, x.options());
        const float *px = x.data_ptr<float>(), *pw = weight.data_ptr<float>();
        float *py = y.data_ptr<float>(), *pinv = inv.data_ptr<float>();
        at::parallel_for(0, rows, std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(d, 1)),
                         [&](std::int64_t begin, std::int64_t end) {
            rmsNormRows(px, pw, py, pinv, d, begin, end, static_cast<float>(eps));
        });
        ctx->save_for_backward({x, weight, inv});
        return y;
    }

    static tensor_list backward(AutogradContext *ctx, tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &x = saved[0], &weight = saved[1], &inv = saved[2];
        const auto dy = grads[0].contiguous();
        const auto d = x.size(-1);
        const auto rows = x.numel() / std::max<std::int64_t>(d, 1);
        const bool wantX = ctx->needs_input_grad(0), wantW = ctx->needs_input_grad(1);
        torch::Tensor dx, dw;
        if (wantX)
            dx = torch::empty_like(x);
        const auto chunks = (rows + kRowsPerChunk - 1) / kRowsPerChunk;
        torch::Tensor partial;
        if (wantW)
            partial = torch::zeros({std::max<std::int64_t>(chunks, 1), d}, x.options());
        const float *px = x.data_ptr<float>(), *pw = weight.data_ptr<float>(), *pinv = inv.data_ptr<float>();
        const float *pdy = dy.data_ptr<float>();
        float *pdx = wantX ? dx.data_ptr<float>() : nullptr;
        float *ppartial = wantW ? partial.data_ptr<float>() : nullptr;
        at::parallel_for(0, chunks, 1, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t c = begin; c < end; ++c)
                rmsNormBackwardRows(px, pw, pinv, pdy, pdx, ppartial ? ppartial + c * d : nullptr, d,
                                    c * kRowsPerChunk, std::min(rows, (c + 1) * kRowsPerChunk));
        });
        if (wantW)
            dw = partial.sum(0);
        return {dx, dw, torch::Tensor()};
    }
};

// ---- Rotation of queries and keys -----------------------------------------

struct RotateShape {
    std::int64_t b, t, n, k;
};

// x [B,T,N,K] (strides xs) -> y [B,N,T,K] contiguous, over the (b, t) pairs
// [begin, end); rotateHeadsInPlace's arithmetic, then the scale.
RLRF_ALWAYS_INLINE void rotateRowsBody(const float *x, const std::int64_t *xs, const float *c, const float *s, float *y,
                                 RotateShape shape, float scale, std::int64_t begin, std::int64_t end)
{
    const auto half = shape.k / 2;
    for (std::int64_t bt = begin; bt < end; ++bt) {
        const auto row = bt / shape.t, pos = bt % shape.t;
        const float *cr = c + bt * shape.k;
        const float *sr = s + bt * shape.k;
        for (std::int64_t head = 0; head < shape.n; ++head) {
            const float *v = x + row * xs[0] + pos * xs[1] + head * xs[2];
            float *out = y + ((row * shape.n + head) * shape.t + pos) * shape.k;
            for (std::int64_t i = 0; i < half; ++i) {
                const float x1 = v[i], x2 = v[i + half];
                out[i] = x1 * cr[i] + (-x2) * sr[i];
                out[i + half] = x2 * cr[i + half] + x1 * sr[i + half];
            }
            if (scale != 1.0f)
                for (std::int64_t i = 0; i < shape.k; ++i)
                    out[i] *= scale;
        }
    }
}
RLRF_DISPATCHED(rotateRows,
                (const float *x, const std::int64_t *xs, const float *c, const float *s, float *y, RotateShape shape, float scale, std::int64_t begin, std::int64_t end),
                (x, xs, c, s, y, shape, scale, begin, end))

// dy [B,N,T,K] contiguous -> dx [B,T,N,K] contiguous: the transpose of the
// rotation (the rotation by -angle), times scale.
RLRF_ALWAYS_INLINE void rotateBackRowsBody(const float *dy, const float *c, const float *s, float *dx, RotateShape shape,
                                     float scale, std::int64_t begin, std::int64_t end)
{
    const auto half = shape.k / 2;
    for (std::int64_t bt = begin; bt < end; ++bt) {
        const auto row = bt / shape.t, pos = bt % shape.t;
        const float *cr = c + bt * shape.k;
        const float *sr = s + bt * shape.k;
        for (std::int64_t head = 0; head < shape.n; ++head) {
            const float *g = dy + ((row * shape.n + head) * shape.t + pos) * shape.k;
            float *out = dx + ((row * shape.t + pos) * shape.n + head) * shape.k;
            for (std::int64_t i = 0; i < half; ++i) {
                const float g1 = g[i], g2 = g[i + half];
                out[i] = scale * (g1 * cr[i] + g2 * sr[i + half]);
                out[i + half] = scale * (g2 * cr[i + half] - g1 * sr[i]);
            }
        }
    }
}
RLRF_DISPATCHED(rotateBackRows,
                (const float *dy, const float *c, const float *s, float *dx, RotateShape shape, float scale, std::int64_t begin, std::int64_t end),
                (dy, c, s, dx, shape, scale, begin, end))

class RotateFunction : public torch::autograd::Function<RotateFunction> {
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &xIn, const torch::Tensor &cosIn,
                                 const torch::Tensor &sinIn, double scale)
    {
        const auto x = xIn.stride(-1) == 1 ? xIn : xIn.contiguous();
        const RotateShape shape{x.size(0), x.size(1), x.size(2), x.size(3)};
        // Tables of one row serve every row: widen them to [B,T,K].
        const auto cos = cosIn.expand({shape.b, shape.t, shape.k}).contiguous();
        const auto sin = sinIn.expand({shape.b, shape.t, shape.k}).contiguous();
        auto y = torch::empty({shape.b, shape.n, shape.t, shape.k}, x.options());
        const std::int64_t strides[3] = {x.stride(0), x.stride(1), x.stride(2)};
        const float *px = x.data_ptr<float>(), *pc = cos.data_ptr<float>(), *ps = sin.data_ptr<float>();
        float *py = y.data_ptr<float>();
        at::parallel_for(0, shape.b * shape.t, std::max<std::int64_t>(1, 8192 / std::max<std::int64_t>(shape.n * shape.k, 1)),
                         [&](std::int64_t begin, std::int64_t end) {
            rotateRows(px, strides, pc, ps, py, shape, static_cast<float>(scale), begin, end);
        });
        ctx->save_for_backward({cos, sin});
        ctx->saved_data["scale"] = scale;
        return y;
    }

    static tensor_list backward(AutogradContext *ctx, tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &cos = saved[0], &sin = saved[1];
        const auto scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
        const auto dy = grads[0].contiguous(); // [B,N,T,K]
        const RotateShape shape{dy.size(0), dy.size(2), dy.size(1), dy.size(3)};
        auto dx = torch::empty({shape.b, shape.t, shape.n, shape.k}, dy.options());
        const float *pdy = dy.data_ptr<float>(), *pc = cos.data_ptr<float>(), *ps = sin.data_ptr<float>();
        float *pdx = dx.data_ptr<float>();
        at::parallel_for(0, shape.b * shape.t, std::max<std::int64_t>(1, 8192 / std::max<std::int64_t>(shape.n * shape.k, 1)),
                         [&](std::int64_t begin, std::int64_t end) {
            rotateBackRows(pdy, pc, ps, pdx, shape, scale, begin, end);
        });
        return {dx, torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

// ---- SwiGLU ----------------------------------------------------------------

RLRF_ALWAYS_INLINE void swigluForwardBody(const float *g, const float *u, float *y, std::int64_t begin, std::int64_t end)
{
    for (std::int64_t i = begin; i < end; ++i)
        y[i] = g[i] / (1.0f + fastExp(-g[i])) * u[i];
}
RLRF_DISPATCHED(swigluForward,
                (const float *g, const float *u, float *y, std::int64_t begin, std::int64_t end),
                (g, u, y, begin, end))

// d silu(g) / dg = s * (1 + g * (1 - s)) with s = sigmoid(g).
RLRF_ALWAYS_INLINE void swigluBackwardBody(const float *g, const float *u, const float *dy, float *dg, float *du,
                                     std::int64_t begin, std::int64_t end)
{
    for (std::int64_t i = begin; i < end; ++i) {
        const float s = 1.0f / (1.0f + fastExp(-g[i]));
        dg[i] = dy[i] * u[i] * (s * (1.0f + g[i] * (1.0f - s)));
        du[i] = dy[i] * (g[i] * s);
    }
}
RLRF_DISPATCHED(swigluBackward,
                (const float *g, const float *u, const float *dy, float *dg, float *du, std::int64_t begin, std::int64_t end),
                (g, u, dy, dg, du, begin, end))

class SwigluFunction : public torch::autograd::Function<SwigluFunction> {
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &gateIn, const torch::Tensor &upIn)
    {
        const auto gate = gateIn.contiguous(), up = upIn.contiguous();
        auto y = torch::empty_like(gate);
        const float *pg = gate.data_ptr<float>(), *pu = up.data_ptr<float>();
        float *py = y.data_ptr<float>();
        at::parallel_for(0, gate.numel(), 16384,
                         [&](std::int64_t begin, std::int64_t end) { swigluForward(pg, pu, py, begin, end); });
        ctx->save_for_backward({gate, up});
        return y;
    }

    static tensor_list backward(AutogradContext *ctx, tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &gate = saved[0], &up = saved[1];
        const auto dy = grads[0].contiguous();
        auto dg = torch::empty_like(gate), du = torch::empty_like(up);
        const float *pg = gate.data_ptr<float>(), *pu = up.data_ptr<float>(), *pdy = dy.data_ptr<float>();
        float *pdg = dg.data_ptr<float>(), *pdu = du.data_ptr<float>();
        at::parallel_for(0, gate.numel(), 16384, [&](std::int64_t begin, std::int64_t end) {
            swigluBackward(pg, pu, pdy, pdg, pdu, begin, end);
        });
        return {ctx->needs_input_grad(0) ? dg : torch::Tensor(), ctx->needs_input_grad(1) ? du : torch::Tensor()};
    }
};

// ---- Masked softmax of attention --------------------------------------------

// Rows r in [begin, end) of scores viewed [R,S], R = B*Hk*G*T: row r is query
// t = r % T of batch row b = r / rowsPerBatch, whose keys allowed[b,t,:] says.
// `none[r]` records a row with no allowed key (uniform weights, no gradient).
RLRF_ALWAYS_INLINE void softmaxRowsBody(const float *x, const bool *allowed, float *y, std::uint8_t *none, std::int64_t t,
                                  std::int64_t s, std::int64_t rowsPerBatch, std::int64_t begin, std::int64_t end)
{
    for (std::int64_t r = begin; r < end; ++r) {
        const float *xr = x + r * s;
        const bool *mask = allowed + ((r / rowsPerBatch) * t + r % t) * s;
        float *yr = y + r * s;
        // The allowed keys lie in [first, last]: a causal query's are a prefix,
        // so the exponentials need not run over the keys after it. (No std::max
        // here: the kernels' optimize attribute keeps GCC from inlining it.)
        float top = -std::numeric_limits<float>::infinity();
        std::int64_t first = s, last = -1;
        for (std::int64_t j = 0; j < s; ++j)
            if (mask[j]) {
                top = xr[j] > top ? xr[j] : top;
                first = j < first ? j : first;
                last = j;
            }
        if (last < 0) {
            none[r] = 1;
            for (std::int64_t j = 0; j < s; ++j)
                yr[j] = 1.0f / static_cast<float>(s);
            continue;
        }
        none[r] = 0;
        for (std::int64_t j = 0; j < first; ++j)
            yr[j] = 0.0f;
        for (std::int64_t j = last + 1; j < s; ++j)
            yr[j] = 0.0f;
        const auto *keep = reinterpret_cast<const std::uint8_t *>(mask); // bytes vectorize, bools do not
        for (std::int64_t j = first; j <= last; ++j)
            yr[j] = fastExp(xr[j] - top) * static_cast<float>(keep[j]);
        const float inv = 1.0f / sum(yr + first, last + 1 - first);
        for (std::int64_t k = first; k <= last; ++k)
            yr[k] *= inv;
    }
}
RLRF_DISPATCHED(softmaxRows,
                (const float *x, const bool *allowed, float *y, std::uint8_t *none, std::int64_t t, std::int64_t s, std::int64_t rowsPerBatch, std::int64_t begin, std::int64_t end),
                (x, allowed, y, none, t, s, rowsPerBatch, begin, end))

// dx = y * (dy - sum(dy * y)); zero for a row with no allowed key.
RLRF_ALWAYS_INLINE void softmaxBackwardRowsBody(const float *y, const float *dy, const std::uint8_t *none, float *dx,
                                          std::int64_t s, std::int64_t begin, std::int64_t end)
{
    for (std::int64_t r = begin; r < end; ++r) {
        float *dxr = dx + r * s;
        if (none[r]) {
            for (std::int64_t j = 0; j < s; ++j)
                dxr[j] = 0.0f;
            continue;
        }
        const float *yr = y + r * s, *dyr = dy + r * s;
        const float both = dot(dyr, yr, s);
        for (std::int64_t k = 0; k < s; ++k)
            dxr[k] = yr[k] * (dyr[k] - both);
    }
}
RLRF_DISPATCHED(softmaxBackwardRows,
                (const float *y, const float *dy, const std::uint8_t *none, float *dx, std::int64_t s, std::int64_t begin, std::int64_t end),
                (y, dy, none, dx, s, begin, end))

class MaskedSoftmaxFunction : public torch::autograd::Function<MaskedSoftmaxFunction> {
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &scoresIn, const torch::Tensor &allowedIn)
    {
        const auto scores = scoresIn.contiguous();
        const auto t = scores.size(3), s = scores.size(4);
        const auto allowed = allowedIn.to(torch::kBool).expand({scores.size(0), t, s}).contiguous();
        const auto rows = scores.numel() / std::max<std::int64_t>(s, 1);
        const auto rowsPerBatch = rows / std::max<std::int64_t>(scores.size(0), 1);
        auto y = torch::empty_like(scores);
        auto none = torch::empty({rows}, torch::TensorOptions().dtype(torch::kUInt8));
        const float *px = scores.data_ptr<float>();
        const bool *pm = allowed.data_ptr<bool>();
        float *py = y.data_ptr<float>();
        auto *pn = none.data_ptr<std::uint8_t>();
        at::parallel_for(0, rows, std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(s, 1)),
                         [&](std::int64_t begin, std::int64_t end) {
            softmaxRows(px, pm, py, pn, t, s, rowsPerBatch, begin, end);
        });
        ctx->save_for_backward({y, none});
        return y;
    }

    static tensor_list backward(AutogradContext *ctx, tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &y = saved[0], &none = saved[1];
        const auto dy = grads[0].contiguous();
        const auto s = y.size(4);
        const auto rows = y.numel() / std::max<std::int64_t>(s, 1);
        auto dx = torch::empty_like(y);
        const float *py = y.data_ptr<float>(), *pdy = dy.data_ptr<float>();
        const auto *pn = none.data_ptr<std::uint8_t>();
        float *pdx = dx.data_ptr<float>();
        at::parallel_for(0, rows, std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(s, 1)),
                         [&](std::int64_t begin, std::int64_t end) {
            softmaxBackwardRows(py, pdy, pn, pdx, s, begin, end);
        });
        return {dx, torch::Tensor()};
    }
};

} // namespace

bool trainingKernelsApply(const torch::Tensor &x)
{
    return (torch::GradMode::is_enabled() || DifferentiableOpsOnly::active()) && x.is_cpu()
        && x.scalar_type() == torch::kFloat32;
}

torch::Tensor rmsNormTraining(const torch::Tensor &x, const torch::Tensor &weight, double eps)
{
    return RmsNormFunction::apply(x, weight, eps);
}

torch::Tensor rotateHeadsTraining(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                  double scale)
{
    return RotateFunction::apply(x, cos, sin, scale);
}

torch::Tensor swigluTraining(const torch::Tensor &gate, const torch::Tensor &up)
{
    return SwigluFunction::apply(gate, up);
}

torch::Tensor maskedSoftmaxTraining(const torch::Tensor &scores, const torch::Tensor &allowed)
{
    return MaskedSoftmaxFunction::apply(scores, allowed);
}

} // namespace rlrf::model
