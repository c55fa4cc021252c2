#include "model/text_model.h"

#include "core/error.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace rlrf::model {

struct TextModel::State {
    std::string folder;
    Policy policy;
    std::shared_ptr<const Tokenizer> tokenizer;
    std::optional<ChatTemplate> chatTemplate;
};

namespace {

std::vector<std::int64_t> widen(const std::vector<std::int32_t> &ids)
{
    return {ids.begin(), ids.end()};
}

bool hasTemplateSource(const std::string &folder)
{
    namespace fs = std::filesystem;
    if (fs::exists(fs::path(folder) / "chat_template.jinja"))
        return true;
    const auto config = fs::path(folder) / "tokenizer_config.json";
    if (!fs::exists(config))
        return false;
    try {
        const auto json = nlohmann::json::parse(std::ifstream(config));
        return json.contains("chat_template") && !json["chat_template"].is_null();
    } catch (const nlohmann::json::exception &) {
        return false; // the tokenizer load reports a malformed file with its line
    }
}

void requireTokenizer(const std::string &folder)
{
    if (!std::filesystem::exists(std::filesystem::path(folder) / "tokenizer.json"))
        throw Error("no tokenizer.json in the model folder (a model needs its tokenizer to read and write text)",
                    {folder});
}

} // namespace

TextModel TextModel::load(const std::string &folder, const PolicyOptions &options)
{
    requireTokenizer(folder);
    return withPolicy(folder, Policy::load(folder, options));
}

TextModel TextModel::withPolicy(const std::string &folder, Policy policy)
{
    requireTokenizer(folder);
    auto state = std::make_shared<State>(State{folder, std::move(policy),
                                               std::make_shared<const Tokenizer>(Tokenizer::fromModelDir(folder)),
                                               std::nullopt});
    if (hasTemplateSource(folder))
        state->chatTemplate = ChatTemplate::load(folder);
    const auto vocab = static_cast<std::int64_t>(state->tokenizer->vocabSize());
    if (vocab > state->policy.config().vocabSize)
        throw Error("tokenizer has " + std::to_string(vocab) + " tokens but the model's vocabulary is only "
                        + std::to_string(state->policy.config().vocabSize),
                    {folder + "/tokenizer.json"});
    TextModel model;
    model.m_state = std::move(state);
    return model;
}

const std::string &TextModel::folder() const { return m_state->folder; }
const Policy &TextModel::policy() const { return m_state->policy; }
const Tokenizer &TextModel::tokenizer() const { return *m_state->tokenizer; }
bool TextModel::hasChatTemplate() const { return m_state->chatTemplate.has_value(); }

const ChatTemplate &TextModel::chatTemplate() const
{
    if (!m_state->chatTemplate)
        throw Error("the model has no chat template (tokenizer_config.json 'chat_template' or chat_template.jinja)",
                    {m_state->folder});
    return *m_state->chatTemplate;
}

std::vector<std::int64_t> TextModel::encode(const std::string &text) const
{
    return widen(tokenizer().encode(text, false));
}

std::string TextModel::decode(const std::vector<std::int64_t> &ids, bool skipSpecialTokens) const
{
    return tokenizer().decode(std::vector<std::int32_t>(ids.begin(), ids.end()), skipSpecialTokens);
}

std::vector<std::int64_t> TextModel::conversationIds(const nlohmann::ordered_json &messages,
                                                     bool addGenerationPrompt) const
{
    // The rendered text carries its own special tokens (BOS included) as text.
    return encode(chatTemplate().render(messages, addGenerationPrompt));
}

std::vector<std::int64_t> TextModel::promptIds(const std::string &text, bool chat) const
{
    if (chat)
        return conversationIds(nlohmann::ordered_json::array({{{"role", "user"}, {"content", text}}}), true);
    auto ids = widen(tokenizer().encode(text, true));
    if (ids.empty()) {
        const auto bos = policy().config().bosTokenId ? policy().config().bosTokenId
                                                      : std::optional<std::int64_t>(tokenizer().bosId());
        if (!bos)
            throw Error("an empty prompt needs a BOS token, and this model has none", {m_state->folder});
        ids.push_back(*bos);
    }
    return ids;
}

std::vector<std::int64_t> TextModel::stopIds() const
{
    std::vector<std::int64_t> ids = policy().config().eosTokenIds;
    auto add = [&ids](std::optional<std::int64_t> id) {
        if (id && std::find(ids.begin(), ids.end(), *id) == ids.end())
            ids.push_back(*id);
    };
    if (const auto eos = tokenizer().eosId())
        add(*eos);
    if (m_state->chatTemplate) {
        const auto &special = m_state->chatTemplate->specialTokens();
        if (special.contains("eos_token") && special["eos_token"].is_string())
            if (const auto id = tokenizer().tokenToId(special["eos_token"].get<std::string>()))
                add(*id);
    }
    return ids;
}

std::int64_t TextModel::endOfTextId() const
{
    const auto ids = stopIds();
    if (ids.empty())
        throw Error("the model has no EOS token to end completions with", {m_state->folder, 0, "eos_token_id"});
    return ids.front();
}

std::vector<TextSample> TextModel::generate(const std::vector<std::vector<std::int64_t>> &prompts,
                                            GenerationOptions options, const CancelToken *cancel) const
{
    if (options.eosIds.empty())
        options.eosIds = stopIds();
    if (const auto pad = tokenizer().padId())
        options.padId = *pad;
    const DecodeFunction decodeFn = [this](const std::vector<std::int64_t> &ids) { return decode(ids, true); };
    const GenerationResult result = policy().generate(prompts, options, decodeFn, cancel);
    std::vector<TextSample> samples;
    samples.reserve(result.sequences.size());
    for (const auto &seq : result.sequences) {
        TextSample s{seq.promptIndex, seq.tokens, decode(seq.tokens, true), seq.reason};
        for (const auto &stop : options.stopStrings) {
            const auto at = s.text.find(stop);
            if (at != std::string::npos)
                s.text.resize(at); // the stop string itself is not part of the answer
        }
        samples.push_back(std::move(s));
    }
    return samples;
}

void TextModel::save(const std::string &folder) const
{
    policy().save(folder);
    if (m_state->chatTemplate)
        saveChatTemplate(folder, m_state->chatTemplate->source());
}

} // namespace rlrf::model
