// SPDX-License-Identifier: GPL-3.0-or-later
// Berkeley Function Calling Leaderboard, "simple" categories: questions and
// possible answers in two JSON Lines files joined by id.
#include "core/error.h"
#include "core/json_io.h"
#include "core/jsonl_reader.h"
#include "store/import/dataset_importers.h"

#include <filesystem>
#include <map>

namespace rlrf::tasks {
namespace {

struct Answer {
    nlohmann::json groundTruth;
    long line = 0;
    bool used = false;
};

std::map<std::string, Answer> readAnswers(const std::string &path)
{
    if (!std::filesystem::exists(path))
        throw Error("possible-answer file not found (give it with --answers)", {path, 0, {}});
    std::map<std::string, Answer> answers;
    jsonl::forEachLine(path, [&](const nlohmann::json &record, long line) {
        const auto id = json::require<std::string>(record, "id", path);
        if (!record.contains("ground_truth") || !record["ground_truth"].is_array())
            throw Error("ground_truth must be a list", {path, line, "ground_truth"});
        if (!answers.emplace(id, Answer{record["ground_truth"], line}).second)
            throw Error("id '" + id + "' appears twice", {path, line, "id"});
    });
    return answers;
}

// The conversation is a list of turns, each a list of messages; a simple call has
// one turn whose last user message is the request.
void fillFromQuestion(ImportedPrompt &p, const nlohmann::json &record, const std::string &path)
{
    const auto question = record.find("question");
    if (question == record.end() || !question->is_array() || question->empty() || !(*question)[0].is_array())
        throw Error("question must be a list of turns, each a list of messages", {path, 0, "question"});
    nlohmann::json system = nlohmann::json::array();
    for (const auto &message : (*question)[0]) {
        const auto role = json::require<std::string>(message, "role", path);
        const auto content = json::require<std::string>(message, "content", path);
        if (role == "user")
            p.text = content;
        else
            system.push_back(message);
    }
    if (p.text.empty())
        throw Error("the first turn has no user message", {path, 0, "question"});
    if (!record.contains("function") || !record["function"].is_array())
        throw Error("function must be a list of function definitions", {path, 0, "function"});
    p.metadata["functions"] = record["function"];
    if (!system.empty())
        p.metadata["system_messages"] = system;
    if ((*question).size() > 1)
        p.metadata["turns"] = *question;
}

} // namespace

std::vector<ImportedPrompt> readBfcl(const std::string &questionsPath, const std::string &answersPath)
{
    const std::filesystem::path questions(questionsPath);
    const std::string answerFile = answersPath.empty()
        ? (questions.parent_path() / "possible_answer" / questions.filename()).string()
        : answersPath;
    auto answers = readAnswers(answerFile);

    std::vector<ImportedPrompt> rows;
    jsonl::forEachLine(questionsPath, [&](const nlohmann::json &record, long line) {
        ImportedPrompt p;
        const auto id = json::require<std::string>(record, "id", questionsPath);
        fillFromQuestion(p, record, questionsPath);
        auto it = answers.find(id);
        if (it == answers.end())
            throw Error("no possible answer for id '" + id + "' in " + answerFile, {questionsPath, line, "id"});
        it->second.used = true;
        p.referenceAnswer = it->second.groundTruth.dump();
        p.metadata["id"] = id;
        p.sourceRow = line;
        rows.push_back(std::move(p));
    });
    for (const auto &[id, answer] : answers)
        if (!answer.used)
            throw Error("possible answer for id '" + id + "' has no question in " + questionsPath,
                        {answerFile, answer.line, "id"});
    return rows;
}

} // namespace rlrf::tasks
