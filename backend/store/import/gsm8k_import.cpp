// SPDX-License-Identifier: GPL-3.0-or-later
// GSM8K (Cobbe et al. 2021) as published in openai/grade-school-math.
#include "core/error.h"
#include "core/json_io.h"
#include "core/jsonl_reader.h"
#include "store/import/dataset_importers.h"

namespace rlrf::tasks {

std::string gsm8kFinalAnswer(const std::string &solution)
{
    const auto marker = solution.rfind("####");
    if (marker == std::string::npos)
        throw Error("solution has no final answer after '####'", {{}, 0, "answer"});
    std::string answer;
    for (const char c : solution.substr(marker + 4))
        if (c != ',' && c != ' ' && c != '\t' && c != '\r' && c != '\n')
            answer += c;
    if (answer.empty())
        throw Error("nothing after '####' in the solution", {{}, 0, "answer"});
    return answer;
}

std::vector<ImportedPrompt> readGsm8k(const std::string &path)
{
    std::vector<ImportedPrompt> rows;
    jsonl::forEachLine(path, [&](const nlohmann::json &record, long line) {
        ImportedPrompt p;
        p.text = json::require<std::string>(record, "question", path);
        if (p.text.empty())
            throw Error("question is empty", {path, line, "question"});
        const auto solution = json::require<std::string>(record, "answer", path);
        p.referenceAnswer = gsm8kFinalAnswer(solution);
        p.sourceRow = line;
        p.metadata = {{"solution", solution}};
        rows.push_back(std::move(p));
    });
    return rows;
}

} // namespace rlrf::tasks
