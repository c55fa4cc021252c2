// SPDX-License-Identifier: GPL-3.0-or-later
// Preference pairs as token ids, and their JSONL form. Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::model {
class TextModel;
}

namespace rlrf::train {

struct DpoPair {
    std::vector<std::int64_t> prompt;   // with the prompt's special tokens (a BOS)
    std::vector<std::int64_t> chosen;   // completion ids, EOS included when wanted
    std::vector<std::int64_t> rejected;
};

// One pair a line: {"prompt_ids","chosen_ids","rejected_ids"}, text
// {"prompt","chosen","rejected"}, or TRL's conversational form (message lists, as
// `rlrf export --what pairs` writes them; see conversation_fields.h). Text needs
// `model`: a text prompt is encoded with its special tokens, completions without,
// and the model's first EOS id is appended.
// Every bad line (not an object, a missing or mistyped field, an empty prompt or
// completion, text without a tokenizer) is an rlrf::Error naming file, line, field.
std::vector<DpoPair> readDpoPairs(const std::string &path, const model::TextModel *model);

} // namespace rlrf::train
