// SPDX-License-Identifier: GPL-3.0-or-later
// Reads tokenizer.json and tokenizer_config.json into a Tokenizer::Impl.
#include "model/tokenizer/tokenizer_impl.h"

#include "core/error.h"
#include "core/json_io.h"
#include "core/logging.h"

namespace rlrf::model::detail {

namespace {

bool flag(const nlohmann::json &spec, const char *key)
{
    const auto it = spec.find(key);
    return it != spec.end() && it->is_boolean() && it->get<bool>();
}

void addAddedToken(Tokenizer::Impl &impl, AddedTokenSpec spec)
{
    for (auto &existing : impl.addedSpecs)
        if (existing.id == spec.id && existing.content == spec.content) return;
    impl.model->addToken(spec.content, spec.id);
    impl.addedSpecs.push_back(std::move(spec));
}

AddedTokenSpec readAddedToken(const nlohmann::json &t, std::int32_t id, const std::string &file,
                              const std::string &field)
{
    if (!t.is_object() || !t.contains("content") || !t["content"].is_string())
        throw Error("an added token needs a \"content\" string", {file, 0, field});
    AddedTokenSpec spec;
    spec.id = id;
    spec.content = t["content"].get<std::string>();
    spec.special = flag(t, "special");
    spec.lstrip = flag(t, "lstrip");
    spec.rstrip = flag(t, "rstrip");
    spec.singleWord = flag(t, "single_word");
    // Hugging Face's default: special tokens are matched in the raw text.
    spec.normalized = t.contains("normalized") ? flag(t, "normalized") : !spec.special;
    return spec;
}

void readTokenizerJson(Tokenizer::Impl &impl, const nlohmann::json &root, const std::string &file)
{
    if (!root.is_object())
        throw Error("expected a JSON object at the top level", {file, 1, {}});
    const auto model = root.find("model");
    if (model == root.end() || !model->is_object())
        throw Error("missing \"model\" object", {file, 0, "model"});
    const std::string type = model->value("type", model->contains("merges") ? "BPE" : "");
    if (type != "BPE")
        throw Error("unsupported model type '" + type + "' (supported: BPE)", {file, 0, "model.type"});
    impl.model = std::make_unique<BpeModel>(*model, file);
    impl.normalizer = makeNormalizer(root.value("normalizer", nlohmann::json()), file);
    impl.preTokenizer = makePreTokenizer(root.value("pre_tokenizer", nlohmann::json()), file);
    impl.postProcessor = makePostProcessor(root.value("post_processor", nlohmann::json()), file);
    impl.decoder = makeTokenDecoder(root.value("decoder", nlohmann::json()), file, impl.addedContents);

    const auto added = root.find("added_tokens");
    if (added != root.end() && !added->is_null()) {
        if (!added->is_array()) throw Error("expected a list", {file, 0, "added_tokens"});
        for (std::size_t i = 0; i < added->size(); ++i) {
            const auto &t = (*added)[i];
            const std::string field = "added_tokens[" + std::to_string(i) + "]";
            if (!t.is_object() || !t.contains("id") || !t["id"].is_number_integer())
                throw Error("an added token needs an integer \"id\"", {file, 0, field});
            addAddedToken(impl, readAddedToken(t, t["id"].get<std::int32_t>(), file, field));
        }
    }
}

// bos_token and friends are a string or an AddedToken object {"content": ...}.
std::optional<std::string> tokenString(const nlohmann::json &config, const char *key)
{
    const auto it = config.find(key);
    if (it == config.end()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
        return (*it)["content"].get<std::string>();
    return std::nullopt;
}

void readTokenizerConfig(Tokenizer::Impl &impl, const nlohmann::json &config, const std::string &file)
{
    if (!config.is_object())
        throw Error("expected a JSON object at the top level", {file, 1, {}});
    if (const auto it = config.find("added_tokens_decoder"); it != config.end() && it->is_object()) {
        for (const auto &[key, t] : it->items()) {
            const std::string field = "added_tokens_decoder." + key;
            std::int32_t id = -1;
            try { id = std::stoi(key); } catch (const std::exception &) {
                throw Error("the key must be a token id", {file, 0, field});
            }
            addAddedToken(impl, readAddedToken(t, id, file, field));
        }
    }
    auto idOf = [&](const char *key) -> std::optional<std::int32_t> {
        const auto token = tokenString(config, key);
        if (!token) return std::nullopt;
        const auto id = impl.model->tokenToId(*token);
        if (!id)
            log::get("tokenizer")->warn("{}: {} '{}' is not in the vocabulary", file, key, *token);
        return id;
    };
    impl.bos = idOf("bos_token");
    impl.eos = idOf("eos_token");
    impl.pad = idOf("pad_token");
    if (auto unk = idOf("unk_token")) impl.unk = unk;
    if (const auto it = config.find("additional_special_tokens"); it != config.end() && it->is_array())
        for (const auto &t : *it)
            if (t.is_string())
                if (const auto id = impl.model->tokenToId(t.get<std::string>())) impl.specialIds.insert(*id);
}

} // namespace

void loadTokenizer(Tokenizer::Impl &impl, const std::string &tokenizerJson, const std::string &configJson)
{
    impl.path = tokenizerJson;
    readTokenizerJson(impl, json::readFile(tokenizerJson), tokenizerJson);
    if (!configJson.empty())
        readTokenizerConfig(impl, json::readFile(configJson), configJson);
    if (!impl.unk) impl.unk = impl.model->unkId();
    for (const AddedTokenSpec &spec : impl.addedSpecs) {
        impl.addedTokens.push_back({spec.id, spec.content, spec.special});
        impl.addedContents.insert(spec.content);
        if (spec.special) impl.specialIds.insert(spec.id);
        if (spec.normalized && impl.normalizer)
            impl.normalizedSplitter.add(impl.normalizer->normalize(spec.content), &spec);
        else
            impl.rawSplitter.add(spec.content, &spec);
    }
}

} // namespace rlrf::model::detail
