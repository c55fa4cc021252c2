// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/sft_data.h"

#include "core/error.h"
#include "core/jsonl_reader.h"
#include "model/text_model.h"
#include "train/conversation_fields.h"

namespace rlrf::train {

namespace {

std::vector<std::int64_t> idList(const nlohmann::json &record, const std::string &key, const ErrorSource &where)
{
    const auto &value = record.at(key);
    if (!value.is_array())
        throw Error("must be a list of token ids", where);
    std::vector<std::int64_t> ids;
    for (const auto &id : value) {
        if (!id.is_number_integer() || id.get<std::int64_t>() < 0)
            throw Error("must hold non-negative integers only (found " + id.dump() + ")", where);
        ids.push_back(id.get<std::int64_t>());
    }
    return ids;
}

std::string text(const nlohmann::json &record, const ErrorSource &where)
{
    const auto &value = record.at(where.field);
    if (!value.is_string())
        throw Error("must be a string", where);
    return value.get<std::string>();
}

SftExample fromText(const nlohmann::json &record, const model::TextModel *model, const std::string &path, long line)
{
    if (!model)
        throw Error("text examples need a model with a tokenizer", {path, line, "prompt"});
    if (!record.contains("completion"))
        throw Error("missing field", {path, line, "completion"});
    SftExample e;
    if (record["prompt"].is_array()) {
        // TRL's conversational format: messages, and one assistant message.
        e.promptIds = conversationPromptIds(*model, record["prompt"], {path, line}, "prompt");
        e.answerIds = model->encode(assistantCompletion(record["completion"], {path, line}, "completion"));
    } else {
        e.promptIds = model->promptIds(text(record, {path, line, "prompt"}), false);
        e.answerIds = model->encode(text(record, {path, line, "completion"}));
    }
    if (e.answerIds.empty())
        throw Error("the completion is empty", {path, line, "completion"});
    e.answerIds.push_back(model->endOfTextId());
    return e;
}

} // namespace

std::vector<SftExample> readSftJsonl(const std::string &path, const model::TextModel *model)
{
    std::vector<SftExample> examples;
    jsonl::forEachLine(path, [&](const nlohmann::json &record, long line) {
        if (!record.is_object())
            throw Error("each line must be a JSON object", {path, line});
        if (record.contains("prompt_ids")) {
            if (!record.contains("completion_ids"))
                throw Error("missing field", {path, line, "completion_ids"});
            SftExample e{idList(record, "prompt_ids", {path, line, "prompt_ids"}),
                         idList(record, "completion_ids", {path, line, "completion_ids"})};
            if (e.promptIds.empty())
                throw Error("the prompt has no tokens", {path, line, "prompt_ids"});
            if (e.answerIds.empty())
                throw Error("the completion has no tokens", {path, line, "completion_ids"});
            examples.push_back(std::move(e));
        } else if (record.contains("prompt")) {
            examples.push_back(fromText(record, model, path, line));
        } else {
            throw Error("needs \"prompt\" and \"completion\" (text) or \"prompt_ids\" and \"completion_ids\"",
                        {path, line, "prompt"});
        }
    });
    if (examples.empty())
        throw Error("no examples in the file", {path});
    return examples;
}

} // namespace rlrf::train
