// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/dpo_trainer_pairs.h"

#include "core/error.h"
#include "core/jsonl_reader.h"
#include "model/text_model.h"
#include "train/conversation_fields.h"

namespace rlrf::train {

namespace {

std::vector<std::int64_t> idsField(const nlohmann::json &record, const char *key, const ErrorSource &where)
{
    const auto it = record.find(key);
    if (it == record.end() || !it->is_array())
        throw Error("missing or not a list of token ids", {where.file, where.line, key});
    std::vector<std::int64_t> ids;
    for (const auto &id : *it) {
        if (!id.is_number_integer())
            throw Error("token ids must be integers", {where.file, where.line, key});
        ids.push_back(id.get<std::int64_t>());
    }
    if (ids.empty())
        throw Error("no tokens", {where.file, where.line, key});
    return ids;
}

std::string textField(const nlohmann::json &record, const char *key, const ErrorSource &where)
{
    const auto it = record.find(key);
    if (it == record.end() || !it->is_string())
        throw Error("missing or not a string", {where.file, where.line, key});
    return it->get<std::string>();
}

std::vector<std::int64_t> completionIds(const model::TextModel &model, const std::string &text, const char *key,
                                        const ErrorSource &where)
{
    auto ids = model.encode(text);
    const auto &eos = model.policy().config().eosTokenIds;
    if (!eos.empty())
        ids.push_back(eos.front());
    if (ids.empty())
        throw Error("encodes to no tokens", {where.file, where.line, key});
    return ids;
}

DpoPair pairFromText(const nlohmann::json &record, const model::TextModel *model, const ErrorSource &where)
{
    if (model == nullptr)
        throw Error("text pairs need a model folder with tokenizer.json", {where.file, where.line, "prompt"});
    DpoPair pair;
    const auto prompt = record.find("prompt");
    if (prompt != record.end() && prompt->is_array()) {
        // TRL's conversational format, as `rlrf export --what pairs` writes it.
        pair.prompt = conversationPromptIds(*model, *prompt, where, "prompt");
        for (const char *key : {"chosen", "rejected"}) {
            const auto it = record.find(key);
            if (it == record.end())
                throw Error("missing field", {where.file, where.line, key});
            auto &ids = std::string(key) == "chosen" ? pair.chosen : pair.rejected;
            ids = completionIds(*model, assistantCompletion(*it, where, key), key, where);
        }
        return pair;
    }
    pair.prompt = model->promptIds(textField(record, "prompt", where), false);
    if (pair.prompt.empty())
        throw Error("encodes to no tokens", {where.file, where.line, "prompt"});
    pair.chosen = completionIds(*model, textField(record, "chosen", where), "chosen", where);
    pair.rejected = completionIds(*model, textField(record, "rejected", where), "rejected", where);
    return pair;
}

} // namespace

std::vector<DpoPair> readDpoPairs(const std::string &path, const model::TextModel *model)
{
    std::vector<DpoPair> pairs;
    jsonl::forEachLine(path, [&](const nlohmann::json &record, long line) {
        const ErrorSource where{path, line};
        if (!record.is_object())
            throw Error("a pair must be a JSON object", where);
        if (record.contains("prompt_ids")) {
            pairs.push_back({idsField(record, "prompt_ids", where), idsField(record, "chosen_ids", where),
                             idsField(record, "rejected_ids", where)});
        } else {
            pairs.push_back(pairFromText(record, model, where));
        }
    });
    if (pairs.empty())
        throw Error("no preference pairs", {path});
    return pairs;
}

} // namespace rlrf::train
