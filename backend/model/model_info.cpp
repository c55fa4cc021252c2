#include "model/model_info.h"

#include "model/adapter_folder.h"
#include "model/chat_template.h"
#include "model/model_config.h"
#include "model/safetensors_checkpoint.h"
#include "model/tokenizer.h"

#include <filesystem>
#include <map>
#include <sstream>

namespace rlrf::model {

namespace {

// A LoRA adapter folder: its base described as above, then the adapter.
nlohmann::ordered_json describeAdapterFolder(const std::string &folder)
{
    namespace fs = std::filesystem;
    const auto settings = readAdapterSettings(folder);
    const auto base = resolveAdapterBase(folder, settings);
    auto info = describeModelFolder(base);
    const auto file = SafetensorsFile::open(adapterWeightsPath(folder));
    std::int64_t adapterParameters = 0;
    for (const auto &t : file.tensors())
        adapterParameters += t.numel();
    info["folder"] = fs::absolute(folder).string();
    info["lora_base_model"] = base;
    info["lora_r"] = settings.rank;
    info["lora_alpha"] = settings.alpha;
    info["lora_dropout"] = settings.dropout;
    info["lora_target_modules"] = settings.targetModules;
    info["lora_parameters"] = adapterParameters;
    if (fs::exists(fs::path(folder) / "tokenizer.json")) {
        const Tokenizer tokenizer = Tokenizer::fromModelDir(folder);
        info["tokenizer_vocab"] = tokenizer.vocabSize();
        info["added_tokens"] = tokenizer.addedTokens().size();
    }
    return info;
}

} // namespace

nlohmann::ordered_json describeModelFolder(const std::string &folder)
{
    namespace fs = std::filesystem;
    if (isAdapterFolder(folder))
        return describeAdapterFolder(folder);
    const ModelConfig config = loadModelConfig((fs::path(folder) / "config.json").string());
    const SafetensorsCheckpoint weights = SafetensorsCheckpoint::open(folder);

    std::int64_t parameters = 0;
    std::map<std::string, std::int64_t> byDtype;
    for (const auto &name : weights.names()) {
        const TensorView &t = weights.at(name);
        parameters += t.numel();
        byDtype[dtypeName(t.dtype)] += t.numel();
    }
    nlohmann::ordered_json info;
    info["folder"] = fs::absolute(folder).string();
    info["architecture"] = config.architecture;
    info["model_type"] = config.modelType;
    info["parameters"] = parameters;
    info["weight_dtypes"] = byDtype;
    info["weight_files"] = weights.shards().size();
    info["layers"] = config.numLayers;
    info["hidden_size"] = config.hiddenSize;
    info["intermediate_size"] = config.intermediateSize;
    info["attention_heads"] = config.numHeads;
    info["key_value_heads"] = config.numKvHeads;
    info["head_dim"] = config.headDim;
    info["vocab_size"] = config.vocabSize;
    info["max_position_embeddings"] = config.maxPositionEmbeddings;
    info["rope_theta"] = config.ropeTheta;
    info["rope_scaling"] = config.ropeScaling ? config.ropeScaling->type : "none";
    info["tie_word_embeddings"] = config.tieWordEmbeddings;
    info["attention_bias"] = config.attentionBias;
    info["qk_norm"] = config.qkNorm;
    info["eos_token_ids"] = config.eosTokenIds;
    if (config.bosTokenId)
        info["bos_token_id"] = *config.bosTokenId;

    if (fs::exists(fs::path(folder) / "tokenizer.json")) {
        const Tokenizer tokenizer = Tokenizer::fromModelDir(folder);
        info["tokenizer_vocab"] = tokenizer.vocabSize();
        info["added_tokens"] = tokenizer.addedTokens().size();
    } else {
        info["tokenizer_vocab"] = nullptr;
    }
    const bool hasTemplate = fs::exists(fs::path(folder) / "chat_template.jinja") || [&] {
        try {
            ChatTemplate::load(folder);
            return true;
        } catch (const std::exception &) {
            return false;
        }
    }();
    info["chat_template"] = hasTemplate;
    return info;
}

std::string formatModelInfo(const nlohmann::ordered_json &info)
{
    std::ostringstream out;
    for (const auto &[key, value] : info.items()) {
        std::string label = key + ":";
        label.resize(std::max<size_t>(label.size() + 1, 26), ' ');
        out << label << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    }
    return out.str();
}

} // namespace rlrf::model
