// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/policy.h"

#include "model/torch_tensor_views.h"

#include <torch/torch.h>

#include "core/error.h"
#include "core/json_io.h"
#include "core/logging.h"
#include "model/adapter_folder.h"
#include "model/generation_config.h"
#include "model/llama2c_model.h"
#include "model/llama_model.h"
#include "model/logprobs.h"
#include "model/lora.h"
#include "model/safetensors_checkpoint.h"
#include "model/safetensors_writer.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace rlrf::model {

struct Policy::State {
    LlamaModel model{nullptr};
    std::vector<std::string> tokenizerFiles;
    std::string baseFolder; // the full model folder the weights came from (absolute), if any
};

namespace {

const char *const kTokenizerFiles[] = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                       "generation_config.json"};

torch::ScalarType parseDtype(const std::string &name, const ModelConfig &config)
{
    const std::string chosen = name == "auto" ? config.torchDtype : name;
    if (chosen == "float32")
        return torch::kFloat32;
    if (chosen == "bfloat16")
        return torch::kBFloat16;
    if (chosen == "float16")
        return torch::kHalf;
    throw Error("unsupported dtype '" + chosen + "' (float32, bfloat16, float16 or auto)", {"", 0, "dtype"});
}

torch::Device parseDevice(const std::string &name)
{
    try {
        const torch::Device device(name);
        if (device.is_cuda() && !torch::cuda::is_available())
            throw Error("CUDA was asked for but no CUDA device is available", {"", 0, "device"});
        return device;
    } catch (const c10::Error &) {
        throw Error("unknown device '" + name + "' (cpu, cuda, cuda:N)", {"", 0, "device"});
    }
}

std::string dtypeName(torch::ScalarType type)
{
    switch (type) {
    case torch::kBFloat16: return "bfloat16";
    case torch::kHalf: return "float16";
    default: return "float32";
    }
}

} // namespace

Policy::Policy(std::shared_ptr<State> state)
    : m_state(std::move(state))
{
}

Policy Policy::load(const std::string &folder, const PolicyOptions &options)
{
    if (isAdapterFolder(folder)) {
        auto settings = readAdapterSettings(folder);
        const auto base = resolveAdapterBase(folder, settings, options.baseModel);
        auto policy = load(base, {options.device, options.dtype, {}});
        const auto weights = SafetensorsFile::open(adapterWeightsPath(folder));
        std::map<std::string, torch::Tensor> tensors;
        for (const auto &view : weights.tensors())
            tensors[view.name] = toTensor(view);
        settings.baseModel = base;
        attachLora(*policy.m_state->model, settings, tensors, weights.path());
        policy.m_state->model->eval();
        for (const char *name : kTokenizerFiles) { // the adapter's own copies win
            const auto own = fs::path(folder) / name;
            if (!fs::exists(own))
                continue;
            auto &files = policy.m_state->tokenizerFiles;
            files.erase(std::remove_if(files.begin(), files.end(),
                                       [name](const std::string &f) { return fs::path(f).filename() == name; }),
                        files.end());
            files.push_back(fs::absolute(own).string());
        }
        log::get("model")->info("attached the LoRA adapter {} (r {}, {} modules) to {}", folder, settings.rank,
                                settings.targetModules.size(), base);
        return policy;
    }
    const auto config = loadModelConfig((fs::path(folder) / "config.json").string());
    const auto device = parseDevice(options.device);
    const auto dtype = parseDtype(options.dtype, config);
    const auto checkpoint = SafetensorsCheckpoint::open(folder);
    std::map<std::string, torch::Tensor> tensors;
    for (const auto &name : checkpoint.names())
        tensors[name] = toTensor(checkpoint.at(name));
    auto state = std::make_shared<State>();
    state->model = LlamaModel(config);
    loadWeights(state->model, tensors, folder);
    state->model->to(device, dtype);
    state->model->eval();
    for (const char *name : kTokenizerFiles)
        if (fs::exists(fs::path(folder) / name))
            state->tokenizerFiles.push_back(fs::absolute(fs::path(folder) / name).string());
    state->baseFolder = fs::absolute(folder).lexically_normal().string();
    std::int64_t parameterCount = 0;
    for (const auto &p : state->model->parameters())
        parameterCount += p.numel();
    log::get("model")->info("loaded {} ({} layers, {} parameters) on {} as {}", folder, config.numLayers,
                            parameterCount, options.device, dtypeName(dtype));
    return Policy(state);
}

Policy Policy::initialize(const ModelConfig &config, std::uint64_t seed, const PolicyOptions &options)
{
    const auto device = parseDevice(options.device);
    const auto dtype = parseDtype(options.dtype, config);
    auto state = std::make_shared<State>();
    {
        torch::NoGradGuard noGrad;
        auto generator = at::detail::createCPUGenerator(seed);
        state->model = LlamaModel(config);
        for (auto &item : state->model->named_parameters()) {
            auto &p = item.value();
            if (p.dim() >= 2)
                p.copy_(at::normal(0.0, 0.02, p.sizes(), generator));
            else if (item.key().find("norm") != std::string::npos)
                p.fill_(1.0);
            else
                p.zero_();
        }
    }
    state->model->to(device, dtype);
    state->model->eval();
    return Policy(state);
}

Policy Policy::fromLlama2c(const std::string &checkpoint, const PolicyOptions &options)
{
    auto state = std::make_shared<State>();
    const auto device = parseDevice(options.device);
    state->model = loadLlama2cModel(checkpoint, torch::kCPU, torch::kFloat32);
    state->model->to(device, parseDtype(options.dtype, state->model->config()));
    return Policy(state);
}

const ModelConfig &Policy::config() const { return m_state->model->config(); }
std::string Policy::device() const { return m_state->model->device().str(); }
std::string Policy::dtype() const { return dtypeName(m_state->model->dtype()); }
const std::vector<std::string> &Policy::tokenizerFiles() const { return m_state->tokenizerFiles; }
LlamaModelImpl &Policy::module() const { return *m_state->model; }

GenerationResult Policy::generate(const std::vector<std::vector<std::int64_t>> &prompts,
                                  const GenerationOptions &options, const DecodeFunction &decode,
                                  const CancelToken *cancel) const
{
    return model::generate(*m_state->model, prompts, options, decode, cancel);
}

std::vector<std::vector<float>> Policy::scoreCompletions(const std::vector<std::vector<std::int64_t>> &prompts,
                                                         const std::vector<std::vector<std::int64_t>> &completions) const
{
    return completionLogProbsNoGrad(*m_state->model, prompts, completions);
}

void Policy::save(const std::string &folder) const
{
    fs::create_directories(folder);
    const auto copyTokenizerFiles = [&]() {
        for (const auto &file : m_state->tokenizerFiles) {
            const auto target = fs::path(folder) / fs::path(file).filename();
            if (!fs::exists(target) || !fs::equivalent(file, target))
                fs::copy_file(file, target, fs::copy_options::overwrite_existing);
        }
    };
    if (m_state->model->lora) {
        auto settings = m_state->model->lora->settings;
        settings.baseModel = m_state->baseFolder;
        writeAdapterFolder(folder, settings, toViews(m_state->model->lora->tensors));
        copyTokenizerFiles();
        return;
    }
    std::map<std::string, torch::Tensor> tensors;
    for (const auto &item : m_state->model->named_parameters())
        tensors[item.key()] = item.value();
    saveSafetensorsCheckpoint(folder, toViews(tensors));
    auto config = m_state->model->config();
    config.torchDtype = dtype();
    json::writeFileAtomically((fs::path(folder) / "config.json").string(), toJson(config).dump(2) + "\n");
    // A merged adapter saved over its own folder: the adapter files would make the
    // folder read as an adapter again.
    for (const char *stale : {kAdapterConfigFile, kAdapterWeightsFile})
        fs::remove(fs::path(folder) / stale);
    copyTokenizerFiles();
    const auto generationConfig = fs::path(folder) / "generation_config.json";
    if (!fs::exists(generationConfig))
        json::writeFileAtomically(generationConfig.string(), generationConfigJson(config).dump(2) + "\n");
}

void Policy::addLora(const train::LoraSettings &settings, std::uint64_t seed)
{
    attachNewLora(*m_state->model, settings, seed);
}

bool Policy::hasLora() const { return model::hasLora(*m_state->model); }

train::LoraSettings Policy::lora() const
{
    return m_state->model->lora ? m_state->model->lora->settings : train::LoraSettings{};
}

void Policy::mergeLora() { model::mergeLora(*m_state->model); }

const std::string &Policy::baseFolder() const { return m_state->baseFolder; }

} // namespace rlrf::model
