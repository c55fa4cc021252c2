// SPDX-License-Identifier: GPL-3.0-or-later
// The torch-free facade: picks the folder to start from (the newest checkpoint on
// resume), loads the model and turns every error into an Outcome.
#include "train/sft.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/text_model.h"
#include "model/adapter_folder.h"
#include "train/lora_setup.h"
#include "train/precision_rule.h"
#include "train/sft_trainer.h"

#include <c10/util/Exception.h>

namespace rlrf::train {

namespace {

template <typename Body>
SftResult guarded(Body body)
{
    try {
        return body();
    } catch (const c10::Error &e) {
        SftResult failed;
        failed.message = std::string("LibTorch: ") + e.what_without_backtrace();
        log::get("train")->error("{}", failed.message);
        return failed;
    } catch (const std::exception &e) {
        SftResult failed;
        failed.message = e.what();
        log::get("train")->error("{}", failed.message);
        return failed;
    }
}

std::string resumeFolder(const std::string &outFolder, bool resume)
{
    if (!resume)
        return {};
    auto latest = latestCheckpoint(outFolder);
    if (!latest)
        log::get("train")->warn("no checkpoint in {}; starting from the model", outFolder);
    return latest.value_or(std::string());
}

} // namespace

SftResult runSft(const SftConfig &config, const std::string &modelFolder, const SftData &data,
                 const std::string &outFolder, const RunContext &context, bool resume)
{
    return guarded([&] {
        validate(config);
        const auto from = resumeFolder(outFolder, resume);
        const auto start = from.empty() ? modelFolder : from;
        const bool adapter = config.lora.enabled() || model::isAdapterFolder(start);
        auto policy = model::Policy::load(start, {config.device, trainingWeightsDtype(config.dtype, adapter)});
        prepareLora(policy, config.lora, config.seed, "sft config");
        SftJob job{config, policy, [policy](const std::string &folder) { policy.save(folder); }, outFolder, from};
        return trainSft(job, data, context);
    });
}

SftResult runSft(const SftConfig &config, const model::TextModel &model, const SftData &data,
                 const std::string &outFolder, const RunContext &context, bool resume)
{
    return guarded([&] {
        validate(config);
        const auto from = resumeFolder(outFolder, resume);
        const bool adapter = config.lora.enabled() || (!from.empty() && model::isAdapterFolder(from));
        const auto start = from.empty() ? model
                                        : model::TextModel::load(from, {config.device,
                                                                        trainingWeightsDtype(config.dtype, adapter)});
        prepareLora(start.policy(), config.lora, config.seed, "sft config");
        SftJob job{config, start.policy(), [start](const std::string &folder) { start.save(folder); }, outFolder,
                   from};
        return trainSft(job, data, context);
    });
}

SftResult runSft(const SftConfig &config, const model::Policy &policy, const SftData &data,
                 const std::string &outFolder, const RunContext &context)
{
    return guarded([&] {
        validate(config);
        prepareLora(policy, config.lora, config.seed, "sft config");
        SftJob job{config, policy, [policy](const std::string &folder) { policy.save(folder); }, outFolder, {}};
        return trainSft(job, data, context);
    });
}

} // namespace rlrf::train
