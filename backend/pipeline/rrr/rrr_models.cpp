// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/rrr_models.h"

#include "core/logging.h"
#include "model/adapter_folder.h"
#include "train/lora_setup.h"
#include "train/memory_plan_text.h"
#include "train/run_memory_check.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace rlrf::rrr {

bool isModelFolder(const std::string &folder)
{
    std::error_code error;
    return fs::is_regular_file(fs::path(folder) / "config.json", error) || model::isAdapterFolder(folder);
}

RrrModels::RrrModels(model::TextModel policy, std::optional<model::TextModel> reference)
    : m_policy(std::move(policy)), m_reference(std::move(reference))
{
}

RrrModels RrrModels::load(const RrrConfig &config, const std::string &startModel, const std::string &from,
                          const std::string &source)
{
    // Before anything is loaded: will the GRPO updates fit? A row is the query,
    // the failed answer, the reflection and the retry (256 tokens allowed for the
    // query); GrpoTrainer scores 16 rows per forward.
    train::RunMemoryRequest memory;
    memory.kind = train::PlanKind::Grpo;
    memory.modelFolder = from;
    memory.lora = config.lora;
    memory.gradientCheckpointing = config.gradientCheckpointing;
    memory.device = config.device;
    memory.microBatch = 16;
    memory.maxLength = 256 + 2 * config.maxAnswerTokens + config.maxReflectionTokens;
    if (const auto plan = train::planRunMemory(memory)) {
        log::get("rrr")->info("memory plan:\n{}", train::formatMemoryPlan(*plan));
        if (!plan->fits)
            throw train::memoryRefusal(*plan);
    }
    // RRR has no dtype setting: float32 throughout, the adapter included.
    const model::PolicyOptions options{config.device, "float32"};
    auto policy = model::TextModel::load(from, options);
    train::prepareLora(policy.policy(), config.lora, config.seed, source);
    if (policy.policy().hasLora()) {
        const auto lora = policy.policy().lora();
        log::get("rrr")->info("rrr: training a LoRA adapter (r {}, alpha {}) on {}; the KL reference is the same "
                              "model with the adapter switched off",
                              lora.rank, lora.alpha, policy.policy().baseFolder());
        return RrrModels(std::move(policy), std::nullopt);
    }
    if (config.beta > 0.0 || from != startModel)
        return RrrModels(policy, model::TextModel::load(startModel, options));
    return RrrModels(std::move(policy), std::nullopt);
}

} // namespace rlrf::rrr
