// SPDX-License-Identifier: GPL-3.0-or-later
// Post-processors of tokenizer.json for a single sequence (see post_processor.h).
#include "model/tokenizer/post_processor.h"

#include "core/error.h"
#include "model/tokenizer/json_fields.h"

namespace rlrf::model::detail {

namespace {

// The template as a list of pieces: a run of fixed ids, or the sequence itself.
class TemplatePostProcessor final : public PostProcessor {
public:
    struct Piece { bool isSequence; std::vector<std::int32_t> ids; };
    explicit TemplatePostProcessor(std::vector<Piece> pieces) : m_pieces(std::move(pieces)) {}

    void apply(std::vector<std::int32_t> &ids) const override
    {
        std::vector<std::int32_t> out;
        out.reserve(ids.size() + 4);
        for (const Piece &p : m_pieces)
            out.insert(out.end(), p.isSequence ? ids.begin() : p.ids.begin(), p.isSequence ? ids.end() : p.ids.end());
        ids = std::move(out);
    }

private:
    std::vector<Piece> m_pieces;
};

class SequencePostProcessor final : public PostProcessor {
public:
    explicit SequencePostProcessor(std::vector<std::unique_ptr<PostProcessor>> steps) : m_steps(std::move(steps)) {}
    void apply(std::vector<std::int32_t> &ids) const override
    {
        for (const auto &s : m_steps) s->apply(ids);
    }

private:
    std::vector<std::unique_ptr<PostProcessor>> m_steps;
};

std::unique_ptr<PostProcessor> makeTemplate(const nlohmann::json &spec, const std::string &file, const std::string &field)
{
    const auto &single = arrayField(spec, "single", file, field);
    const auto specials = spec.find("special_tokens");
    std::vector<TemplatePostProcessor::Piece> pieces;
    for (std::size_t i = 0; i < single.size(); ++i) {
        const auto &item = single[i];
        const std::string where = field + ".single[" + std::to_string(i) + "]";
        if (item.contains("Sequence")) {
            pieces.push_back({true, {}});
        } else if (item.contains("SpecialToken") && item["SpecialToken"].contains("id")) {
            const std::string name = item["SpecialToken"]["id"].get<std::string>();
            if (specials == spec.end() || !specials->contains(name) || !(*specials)[name].contains("ids"))
                throw Error("special token '" + name + "' is not listed in special_tokens", {file, 0, where});
            pieces.push_back({false, (*specials)[name]["ids"].get<std::vector<std::int32_t>>()});
        } else {
            throw Error("expected {\"Sequence\": ...} or {\"SpecialToken\": ...}", {file, 0, where});
        }
    }
    return std::make_unique<TemplatePostProcessor>(std::move(pieces));
}

// BertProcessing / RobertaProcessing: [cls] sequence [sep], with "cls": [token, id].
std::unique_ptr<PostProcessor> makeClsSep(const nlohmann::json &spec, const std::string &file, const std::string &field)
{
    auto idOf = [&](const char *key) {
        const auto it = spec.find(key);
        if (it == spec.end() || !it->is_array() || it->size() != 2 || !(*it)[1].is_number_integer())
            throw Error(std::string("expected [token, id]: '") + key + "'", {file, 0, field});
        return (*it)[1].get<std::int32_t>();
    };
    return std::make_unique<TemplatePostProcessor>(std::vector<TemplatePostProcessor::Piece>{
        {false, {idOf("cls")}}, {true, {}}, {false, {idOf("sep")}}});
}

} // namespace

std::unique_ptr<PostProcessor> makePostProcessor(const nlohmann::json &spec, const std::string &file,
                                                 const std::string &field)
{
    if (spec.is_null()) return nullptr;
    const std::string type = typeOf(spec, file, field);
    if (type == "ByteLevel") return nullptr;
    if (type == "TemplateProcessing") return makeTemplate(spec, file, field);
    if (type == "BertProcessing" || type == "RobertaProcessing") return makeClsSep(spec, file, field);
    if (type == "Sequence") {
        const auto &list = arrayField(spec, "processors", file, field);
        std::vector<std::unique_ptr<PostProcessor>> steps;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (auto s = makePostProcessor(list[i], file, field + ".processors[" + std::to_string(i) + "]"))
                steps.push_back(std::move(s));
        return std::make_unique<SequencePostProcessor>(std::move(steps));
    }
    throw Error("unsupported post_processor type '" + type + "'", {file, 0, field});
}

} // namespace rlrf::model::detail
