// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/optimizer_factory.h"

#include "core/error.h"
#include "model/llama_model.h"
#include "model/lora.h"

namespace rlrf::train {

ParameterSplit splitForWeightDecay(torch::nn::Module &module)
{
    ParameterSplit split;
    // With a LoRA adapter only its A and B matrices train (all decayed, as in PEFT
    // under Hugging Face's Trainer); they are not among the module's parameters.
    if (auto *decoder = dynamic_cast<model::LlamaModelImpl *>(&module); decoder && model::hasLora(*decoder)) {
        split.decayed = model::loraParameters(*decoder);
        return split;
    }
    for (auto &p : module.parameters()) {
        if (!p.requires_grad())
            continue;
        (p.dim() >= 2 ? split.decayed : split.undecayed).push_back(p);
    }
    return split;
}

std::unique_ptr<torch::optim::AdamW> makeAdamW(torch::nn::Module &module, const SftConfig &config)
{
    auto options = [&config](double decay) {
        return torch::optim::AdamWOptions(config.learningRate)
            .betas(std::make_tuple(config.beta1, config.beta2))
            .eps(config.adamEpsilon)
            .weight_decay(decay);
    };
    auto split = splitForWeightDecay(module);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    if (!split.decayed.empty())
        groups.emplace_back(split.decayed, std::make_unique<torch::optim::AdamWOptions>(options(config.weightDecay)));
    if (!split.undecayed.empty())
        groups.emplace_back(split.undecayed, std::make_unique<torch::optim::AdamWOptions>(options(0.0)));
    if (groups.empty())
        throw Error("the model has no trainable parameters");
    return std::make_unique<torch::optim::AdamW>(std::move(groups), options(config.weightDecay));
}

void setLearningRate(torch::optim::Optimizer &optimizer, double learningRate)
{
    for (auto &group : optimizer.param_groups())
        static_cast<torch::optim::AdamWOptions &>(group.options()).lr(learningRate);
}

} // namespace rlrf::train
