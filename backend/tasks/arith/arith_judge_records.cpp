// SPDX-License-Identifier: GPL-3.0-or-later
// JSONL in, rule-judge critiques out; see arith_judge_records.h.
#include "tasks/arith/arith_judge_records.h"

#include "tasks/arith/arith_rule_judge.h"
#include "tasks/arith/arith_task.h"
#include "types/critique_json.h"

#include "core/error.h"
#include "core/jsonl_reader.h"

namespace rlrf::feedback {
namespace {

std::string stringField(const nlohmann::json &record, const char *key, const std::string &path, long line)
{
    const auto it = record.find(key);
    if (it == record.end() || !it->is_string())
        throw Error(it == record.end() ? "missing field" : "must be a string", {path, line, key});
    return it->get<std::string>();
}

tasks::ArithProblem problemOf(const nlohmann::json &record, const std::string &path, long line,
                              tasks::ArithIdCache &ids)
{
    const bool hasPrompt = record.contains("prompt");
    const bool hasId = record.contains("prompt_id");
    if (hasPrompt == hasId)
        throw Error("give exactly one of \"prompt\" and \"prompt_id\"", {path, line, hasId ? "prompt_id" : "prompt"});
    const char *key = hasPrompt ? "prompt" : "prompt_id";
    const std::string value = stringField(record, key, path, line);
    try {
        return hasPrompt ? tasks::ArithTask::problemFromPrompt(value) : ids.problem(value);
    } catch (const Error &e) {
        throw Error(e.message(), {path, line, key});
    }
}

} // namespace

void judgeArithRecords(const std::string &path, const std::function<void(const nlohmann::json &)> &emit)
{
    tasks::ArithIdCache ids;
    jsonl::forEachLine(path, [&](const nlohmann::json &record, long line) {
        const std::string name = path == "-" ? "<stdin>" : path;
        if (!record.is_object())
            throw Error("expected a JSON object", {name, line, {}});
        const tasks::ArithProblem problem = problemOf(record, name, line, ids);
        const std::string response = stringField(record, "response", name, line);
        nlohmann::json out = critiqueToJson(judgeArith(problem, response));
        out["line"] = line;
        if (record.contains("prompt_id"))
            out["prompt_id"] = record["prompt_id"];
        emit(out);
    });
}

} // namespace rlrf::feedback
