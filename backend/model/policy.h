// SPDX-License-Identifier: GPL-3.0-or-later
// The language model as the rest of the workbench sees it: load a Hugging Face
// folder (or a llama2.c checkpoint), generate, score, save. Torch-free facade; the
// decoder behind it is backend-internal. Call from one thread (the backend thread):
// LibTorch's gradient mode is per thread.
#pragma once

#include "core/cancel_token.h"
#include "model/generator.h"
#include "model/model_config.h"
#include "types/lora_config.h"

#include <memory>
#include <string>
#include <vector>

namespace rlrf::model {

struct PolicyOptions {
    std::string device = "cpu";    // "cpu", "cuda", "cuda:1"
    std::string dtype = "float32"; // "float32", "bfloat16", or "auto" (config.json's torch_dtype)
    // For a LoRA adapter folder: the base model folder, instead of the adapter's
    // base_model_name_or_path (a Hub id, or a path from another machine).
    std::string baseModel{};
};

/// A loaded decoder. Copies share the same weights.
class Policy {
public:
    /// A Hugging Face folder: config.json and model.safetensors (or shards with an
    /// index). Tokenizer files found there (tokenizer.json, tokenizer_config.json,
    /// special_tokens_map.json, generation_config.json) are remembered and copied by
    /// save(). A PEFT LoRA adapter folder (adapter_config.json) loads its base and
    /// attaches the adapter; tokenizer files come from the adapter folder where it
    /// has them, else from the base. Throws rlrf::Error naming the file and the
    /// tensor or field at fault.
    static Policy load(const std::string &folder, const PolicyOptions &options = {});
    /// A new model with random weights, as Hugging Face initialises a Llama: every
    /// matrix (embeddings included) drawn from N(0, 0.02²), norms at one, biases at
    /// zero. The same config and seed give the same weights. No tokenizer files.
    static Policy initialize(const ModelConfig &config, std::uint64_t seed, const PolicyOptions &options = {});
    /// A llama2.c legacy checkpoint, converted to the rotate-half layout.
    static Policy fromLlama2c(const std::string &checkpoint, const PolicyOptions &options = {});

    const ModelConfig &config() const;
    std::string device() const;
    std::string dtype() const;
    /// Tokenizer-related files of the folder it was loaded from (absolute paths).
    const std::vector<std::string> &tokenizerFiles() const;

    /// Batched generation; see generator.h. Returns with `cancelled` set when the
    /// token is triggered (between tokens).
    GenerationResult generate(const std::vector<std::vector<std::int64_t>> &prompts, const GenerationOptions &options,
                              const DecodeFunction &decode = {}, const CancelToken *cancel = nullptr) const;

    /// log p of each completion token given its prompt, without gradients.
    std::vector<std::vector<float>> scoreCompletions(const std::vector<std::vector<std::int64_t>> &prompts,
                                                     const std::vector<std::vector<std::int64_t>> &completions) const;

    /// Writes config.json, model.safetensors (in the current dtype),
    /// generation_config.json and copies of the tokenizer files into `folder`
    /// (created when missing). With a LoRA adapter attached it writes the adapter
    /// instead, as PEFT does (adapter_config.json naming the base folder,
    /// adapter_model.safetensors), with the tokenizer files.
    void save(const std::string &folder) const;

    /// Attaches a fresh LoRA adapter (B = 0: the outputs do not change); from then
    /// on trainers update only the adapter and save() writes it.
    void addLora(const train::LoraSettings &settings, std::uint64_t seed);
    bool hasLora() const;
    /// The attached adapter's settings (rank 0 without one).
    train::LoraSettings lora() const;
    /// Folds the adapter into the weights and removes it (a no-op without one).
    void mergeLora();
    /// The base model folder the adapter applies to (empty: not loaded from one).
    const std::string &baseFolder() const;

    /// The decoder itself, for trainers inside the backend (include llama_model.h).
    LlamaModelImpl &module() const;

private:
    struct State;
    explicit Policy(std::shared_ptr<State> state);
    std::shared_ptr<State> m_state;
};

} // namespace rlrf::model
