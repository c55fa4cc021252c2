// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/dpo_resume.h"

#include "core/error.h"
#include "core/json_io.h"
#include "train/reference_logprobs.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace rlrf::train {

nlohmann::json dpoFingerprint(const DpoConfig &config, const std::vector<DpoPair> &pairs,
                              const std::string &referenceIdentity)
{
    auto settings = toJson(config);
    settings.erase("save_steps");
    settings.erase("reference_cache_dir");
    // The pair keys in trainer order: the seeded plan indexes this order, so a
    // reordered set is a different run even with the same pairs.
    std::string keys;
    for (const auto &pair : pairs)
        keys += pairKey(pair) + ";";
    return {{"config", settings},
            {"pairs", {{"count", pairs.size()}, {"hash", fnv1aHex(keys)}}},
            {"reference_model", fnv1aHex(referenceIdentity)}};
}

DpoPlanPosition dpoPlanPosition(std::int64_t step, std::int64_t stepsPerEpoch, std::int64_t gradientAccumulation)
{
    const auto perEpoch = std::max<std::int64_t>(1, stepsPerEpoch);
    return {step / perEpoch, (step % perEpoch) * gradientAccumulation};
}

nlohmann::json dpoResumeState(const nlohmann::json &fingerprint, const DpoPlanPosition &position)
{
    return {{"format", kDpoResumeFormat},
            {"optimizer", kDpoOptimizerFile},
            {"epoch_index", position.epoch},
            {"micro_batch", position.microBatch},
            // Nothing random happens inside a step; the pair order is the seeded plan.
            {"rng", "none: the step plan is seeded and a step draws no random numbers"},
            {"fingerprint", fingerprint}};
}

namespace {

std::string shown(const nlohmann::json &value)
{
    return value.is_null() ? std::string("nothing") : value.dump();
}

// Names the first field where the checkpoint and this run differ.
void compareFingerprints(const nlohmann::json &saved, const nlohmann::json &wanted, const std::string &file)
{
    const std::string hint = "; resume with the checkpoint's settings and pairs, or start a new run from its weights";
    const auto &savedConfig = saved.value("config", nlohmann::json::object());
    for (const auto &item : wanted.at("config").items()) {
        const auto it = savedConfig.find(item.key());
        const auto before = it == savedConfig.end() ? nlohmann::json() : *it;
        if (before != item.value())
            throw Error("the checkpoint was trained with " + item.key() + " = " + shown(before) + ", this run has "
                            + shown(item.value()) + hint,
                        {file, 0, item.key()});
    }
    const auto &savedPairs = saved.value("pairs", nlohmann::json::object());
    if (savedPairs != wanted.at("pairs"))
        throw Error("the checkpoint was trained on another pair set (" + shown(savedPairs.value("count", nlohmann::json()))
                        + " pairs, hash " + shown(savedPairs.value("hash", nlohmann::json())) + "), this run has "
                        + wanted["pairs"]["count"].dump() + " pairs, hash " + wanted["pairs"]["hash"].dump() + hint,
                    {file, 0, "pairs"});
    if (saved.value("reference_model", nlohmann::json()) != wanted.at("reference_model"))
        throw Error("the checkpoint was trained against another reference model (its files or dtype differ)" + hint,
                    {file, 0, "reference_model"});
}

} // namespace

namespace {

DpoResumePoint resumePointFrom(const nlohmann::json &state, const std::string &folder, const std::string &file,
                               const nlohmann::json &fingerprint, std::int64_t totalSteps,
                               std::int64_t stepsPerEpoch, std::int64_t gradientAccumulation)
{
    if (!state.is_object() || !state.contains("resume") || !state["resume"].is_object())
        throw Error("cannot resume: the checkpoint has no resume state (written by an older version or a final "
                    "model); start a new run from its weights instead",
                    {file, 0, "resume"});
    const auto &resume = state["resume"];
    // Compared as JSON, so a format of another type ("1") is named like any other.
    const auto format = resume.value("format", nlohmann::json());
    if (format != nlohmann::json(kDpoResumeFormat))
        throw Error("cannot resume: unknown resume format " + shown(format) + " (this version writes and reads "
                        + std::to_string(kDpoResumeFormat) + ")",
                    {file, 0, "resume.format"});
    const std::string optimizer = (fs::path(folder) / kDpoOptimizerFile).string();
    if (!fs::exists(optimizer))
        throw Error("cannot resume: the checkpoint has no optimizer state (AdamW moments); start a new run from its "
                    "weights instead",
                    {optimizer});
    compareFingerprints(resume.value("fingerprint", nlohmann::json::object()), fingerprint, file);
    DpoResumePoint point;
    point.folder = folder;
    point.step = json::require<std::int64_t>(state, "global_step", file);
    if (point.step < 0 || point.step > totalSteps)
        throw Error("global_step " + std::to_string(point.step) + " is outside this run's " + std::to_string(totalSteps)
                        + " steps",
                    {file, 0, "global_step"});
    const auto position = dpoPlanPosition(point.step, stepsPerEpoch, gradientAccumulation);
    if (resume.value("epoch_index", std::int64_t(-1)) != position.epoch
        || resume.value("micro_batch", std::int64_t(-1)) != position.microBatch)
        throw Error("the plan position does not match global_step " + std::to_string(point.step), {file, 0, "resume"});
    if (state.contains("log_history") && state["log_history"].is_array())
        point.logHistory = state["log_history"];
    return point;
}

} // namespace

DpoResumePoint readDpoResumePoint(const std::string &folder, const nlohmann::json &fingerprint,
                                  std::int64_t totalSteps, std::int64_t stepsPerEpoch,
                                  std::int64_t gradientAccumulation)
{
    const std::string file = (fs::path(folder) / kDpoTrainerStateFile).string();
    if (!fs::is_directory(folder))
        throw Error("cannot resume: not a checkpoint folder", {folder});
    if (!fs::exists(file))
        throw Error("cannot resume: the folder has no " + std::string(kDpoTrainerStateFile), {file});
    const auto state = json::readFile(file);
    try { // a hand-edited file with a wrong type somewhere is an Error, not a crash
        return resumePointFrom(state, folder, file, fingerprint, totalSteps, stepsPerEpoch, gradientAccumulation);
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("cannot resume: malformed resume state: ") + e.what(), {file, 0, "resume"});
    }
}

std::string latestResumableDpoCheckpoint(const std::string &outputFolder)
{
    std::string best;
    long long bestStep = -1;
    std::error_code ec;
    if (!fs::is_directory(outputFolder, ec))
        return best;
    const std::string prefix = "checkpoint-";
    for (const auto &entry : fs::directory_iterator(outputFolder, ec)) {
        const auto name = entry.path().filename().string();
        const auto digits = name.substr(std::min(name.size(), prefix.size()));
        if (!entry.is_directory() || name.rfind(prefix, 0) != 0 || digits.empty()
            || digits.find_first_not_of("0123456789") != std::string::npos)
            continue; // ".checkpoint-3.tmp" is an unfinished write
        if (!fs::exists(entry.path() / kDpoOptimizerFile) || !fs::exists(entry.path() / kDpoTrainerStateFile))
            continue;
        const auto step = std::stoll(digits);
        if (step > bestStep) {
            bestStep = step;
            best = entry.path().string();
        }
    }
    return best;
}

} // namespace rlrf::train
