// SPDX-License-Identifier: GPL-3.0-or-later
// SFT examples from JSONL: {"prompt": text, "completion": text} encoded with the
// model's tokenizer (the prompt with its special tokens, the completion without,
// then EOS), or {"prompt_ids": [...], "completion_ids": [...]} taken as they are.
// Torch-free.
#pragma once

#include "train/sft_example.h"

#include <string>
#include <vector>

namespace rlrf::model {
class TextModel;
}

namespace rlrf::train {

// `model` may be null when every line carries ids. Throws rlrf::Error naming the
// file, the line and the field for a missing or mistyped field, an empty prompt or
// completion, text without a tokenizer, or a model without an EOS token.
std::vector<SftExample> readSftJsonl(const std::string &path, const model::TextModel *model);

} // namespace rlrf::train
