// SPDX-License-Identifier: GPL-3.0-or-later
// Readers for the published data sets the workbench knows by name. Each returns
// prompts with their reference answers and keeps the data set's ids in metadata.
#pragma once

#include "store/import/importers.h"

#include <string>
#include <vector>

namespace rlrf::tasks {

/// GSM8K JSONL ({"question", "answer"}): the reference answer is the number after
/// the last "#### " of the solution, with thousands separators removed ("1,080"
/// -> "1080"); the whole solution is kept in metadata.solution.
std::vector<ImportedPrompt> readGsm8k(const std::string &path);

/// Just-Eval-Instruct: a JSON array of {id, instruction, dataset, category, ...}.
/// No reference answers (the file's "output" is one model's answer, not a
/// reference); id, dataset, category and source_id go to metadata.
std::vector<ImportedPrompt> readJustEval(const std::string &path);

/// The text after the last "#### " of a GSM8K solution, trimmed, without commas.
/// Throws rlrf::Error when there is no such marker.
std::string gsm8kFinalAnswer(const std::string &solution);

/// BFCL "simple" questions (JSON Lines despite the .json suffix) joined by id with
/// the possible answers. `answersPath` empty: possible_answer/<same file name>
/// beside the questions. The prompt is the last user message; system messages,
/// the id and the function definitions go to metadata; the reference answer is
/// the ground truth as compact JSON. A question without an answer (or the other
/// way round) is an error naming the line.
std::vector<ImportedPrompt> readBfcl(const std::string &questionsPath, const std::string &answersPath = {});

} // namespace rlrf::tasks
