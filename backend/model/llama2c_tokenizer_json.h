// SPDX-License-Identifier: GPL-3.0-or-later
// A llama2.c vocabulary (tok512.bin style) as a Hugging Face tokenizer.json in the
// SentencePiece-BPE shape Llama 2 uses: Metaspace ("▁" for spaces, prepended to the
// first word), BPE with byte_fallback, and merges derived from the scores the way
// llama2.c's encoder merges (the pair whose concatenation has the highest score
// first). Torch-free.
#pragma once

#include "model/llama2c_reader.h"

#include <nlohmann/json.hpp>

namespace rlrf::model {

// tokenizer.json. Throws rlrf::Error when two tokens have the same text.
nlohmann::json llama2cTokenizerJson(const Llama2cVocabulary &vocab);

// tokenizer_config.json: <s>/</s>/<unk>, BOS added, LlamaTokenizerFast.
nlohmann::json llama2cTokenizerConfigJson(std::int64_t maxLength);

} // namespace rlrf::model
