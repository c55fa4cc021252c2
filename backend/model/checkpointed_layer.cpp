// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/checkpointed_layer.h"

#include "model/decoder_layer.h"
#include "model/inference_kernels.h"

#include <ATen/Context.h>

#include <cstdint>
#include <mutex>

namespace rlrf::model {

namespace {

at::Tensor randomState(const at::Device &device)
{
    auto generator = at::globalContext().defaultGenerator(device);
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
}

void setRandomState(const at::Device &device, const at::Tensor &state)
{
    auto generator = at::globalContext().defaultGenerator(device);
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
}

struct CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &x,
                                 const torch::Tensor &cos, const torch::Tensor &sin, const torch::Tensor &allowed,
                                 DecoderLayerImpl *layer)
    {
        // The layer is not a tensor, so the context keeps its address; the module
        // outlives the graph of its own forward pass.
        ctx->saved_data["layer"] = static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(layer));
        ctx->saved_data["random"] = randomState(x.device());
        ctx->save_for_backward({x, cos, sin, allowed});
        DifferentiableOpsOnly sameOps; // what the recomputation will compute
        return layer->forward(x, cos, sin, allowed, nullptr);
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                   torch::autograd::variable_list gradOutputs)
    {
        auto *layer = reinterpret_cast<DecoderLayerImpl *>(
            static_cast<std::intptr_t>(ctx->saved_data["layer"].toInt()));
        const auto saved = ctx->get_saved_variables();
        const auto x = saved[0].detach().requires_grad_(true);
        const auto now = randomState(x.device());
        setRandomState(x.device(), ctx->saved_data["random"].toTensor());
        {
            torch::AutoGradMode enable(true);
            const auto out = layer->forward(x, saved[1], saved[2], saved[3], nullptr);
            // Accumulates into the parameters' (or the adapter's) .grad, as
            // PyTorch's reentrant checkpoint does.
            torch::autograd::backward({out}, {gradOutputs[0]});
        }
        setRandomState(x.device(), now);
        return {x.grad(), torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

torch::Tensor checkpointedLayer(DecoderLayerImpl &layer, const torch::Tensor &x, const torch::Tensor &cos,
                                const torch::Tensor &sin, const torch::Tensor &allowed)
{
    return CheckpointFunction::apply(x, cos, sin, allowed, &layer);
}

} // namespace rlrf::model
