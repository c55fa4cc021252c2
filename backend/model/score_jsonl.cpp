#include "model/score_jsonl.h"

#include "core/error.h"
#include "core/jsonl_reader.h"

namespace rlrf::model {
namespace {

struct Pending {
    std::vector<std::vector<std::int64_t>> prompts;
    std::vector<std::vector<std::int64_t>> completions;
    std::vector<long> lines;
};

std::vector<std::int64_t> idsField(const nlohmann::json &record, const char *key, const std::string &file, long line)
{
    const auto &value = record[key];
    if (!value.is_array())
        throw Error(std::string("'") + key + "' must be a list of token ids", {file, line, key});
    std::vector<std::int64_t> ids;
    for (const auto &v : value) {
        if (!v.is_number_integer())
            throw Error(std::string("'") + key + "' must hold whole numbers", {file, line, key});
        ids.push_back(v.get<std::int64_t>());
    }
    return ids;
}

void flush(const TextModel &model, Pending &pending, const std::string &file, std::ostream &out)
{
    if (pending.prompts.empty())
        return;
    std::vector<std::vector<float>> scores;
    try {
        scores = model.policy().scoreCompletions(pending.prompts, pending.completions);
    } catch (const Error &e) {
        // Name the first line of the failing batch; the message says which row.
        throw Error(e.message(), {file, pending.lines.front()});
    }
    for (const auto &tokens : scores) {
        double total = 0.0;
        for (float lp : tokens)
            total += lp;
        out << nlohmann::json{{"token_logprobs", tokens}, {"logprob", total}}.dump() << "\n";
    }
    out.flush();
    pending = Pending{};
}

} // namespace

std::size_t scoreJsonl(const TextModel &model, const std::string &inputPath, std::ostream &out, std::size_t batchSize)
{
    const std::string file = inputPath == "-" ? "<stdin>" : inputPath;
    const auto vocab = model.policy().config().vocabSize;
    Pending pending;
    std::size_t count = 0;
    jsonl::forEachLine(inputPath, [&](const nlohmann::json &record, long line) {
        std::vector<std::int64_t> prompt, completion;
        if (record.contains("prompt_ids") || record.contains("completion_ids")) {
            prompt = idsField(record, "prompt_ids", file, line);
            completion = idsField(record, "completion_ids", file, line);
        } else if (record.contains("prompt") && record["prompt"].is_string() && record.contains("completion")
                   && record["completion"].is_string()) {
            prompt = model.promptIds(record["prompt"].get<std::string>(), false);
            completion = model.encode(record["completion"].get<std::string>());
        } else {
            throw Error("expected {\"prompt_ids\", \"completion_ids\"} or {\"prompt\", \"completion\"} strings",
                        {file, line});
        }
        if (prompt.empty())
            throw Error("the prompt is empty (scoring needs at least one context token)", {file, line, "prompt_ids"});
        for (const auto *ids : {&prompt, &completion})
            for (auto id : *ids)
                if (id < 0 || id >= vocab)
                    throw Error("token id " + std::to_string(id) + " is outside the vocabulary (size "
                                    + std::to_string(vocab) + ")",
                                {file, line});
        pending.prompts.push_back(std::move(prompt));
        pending.completions.push_back(std::move(completion));
        pending.lines.push_back(line);
        ++count;
        if (pending.prompts.size() >= batchSize)
            flush(model, pending, file, out);
    });
    flush(model, pending, file, out);
    return count;
}

} // namespace rlrf::model
