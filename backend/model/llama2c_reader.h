// SPDX-License-Identifier: GPL-3.0-or-later
// Reads llama2.c files: the legacy (version 0) checkpoint .bin and the tokenizer .bin
// (tok512.bin style). Torch-free. Weights come out under Hugging Face names and in
// Hugging Face's rotate-half layout: llama2.c rotates adjacent pairs (x[2i], x[2i+1]),
// so the rows of wq and wk are permuted within each head, exactly as transformers'
// convert_llama_weights_to_hf.py does for Meta checkpoints.
#pragma once

#include "model/model_config.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rlrf::model {

struct FloatTensor {
    std::vector<std::int64_t> shape;
    std::vector<float> values; // row-major
};

struct Llama2cCheckpoint {
    ModelConfig config; // llama architecture, rms eps 1e-5, theta 10000, BOS 1, EOS 2
    std::vector<std::pair<std::string, FloatTensor>> tensors; // Hugging Face names, in file order
};

// Throws rlrf::Error naming the file and the header field or tensor for a missing
// file, a truncated or oversized file, the newer versioned format, or impossible sizes.
Llama2cCheckpoint readLlama2cCheckpoint(const std::string &path);

struct Llama2cVocabulary {
    std::int32_t maxTokenLength = 0;
    std::vector<std::string> pieces; // raw bytes of each token ("<0x0A>" byte tokens as written)
    std::vector<float> scores;       // merge priority: higher merges first
};

// Reads exactly `vocabSize` entries (the file does not store the count); throws
// rlrf::Error naming the file and the entry for a truncated file or trailing bytes.
Llama2cVocabulary readLlama2cVocabulary(const std::string &path, std::int64_t vocabSize);

} // namespace rlrf::model
