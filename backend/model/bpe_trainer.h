// SPDX-License-Identifier: GPL-3.0-or-later
// Trains a byte-level BPE tokenizer (GPT-2 pre-tokenizer, 256 byte symbols, ranked
// merges) on a text corpus and writes tokenizer.json + tokenizer_config.json that
// Tokenizer and Hugging Face tokenizers load. Torch-free facade for the CLI and GUI.
#pragma once

#include "core/progress.h"
#include "core/run_context.h"

#include <cstddef>
#include <string>
#include <vector>

namespace rlrf::model {

struct BpeTrainingOptions {
    std::size_t vocabSize = 8192;       // special tokens + 256 bytes + merges
    std::size_t minFrequency = 2;       // a pair seen fewer times is never merged
    std::vector<std::string> specialTokens{"<|endoftext|>"}; // ids 0.. in this order
    // Every digit its own pre-token (Qwen2's split), so numbers are spelled digit by
    // digit and a small model can learn arithmetic column-wise instead of memorising
    // one token per number. Written to tokenizer.json as Split + ByteLevel.
    bool splitDigits = false;
};

struct BpeTrainingResult {
    Outcome outcome = Outcome::Succeeded;
    std::size_t vocabSize = 0;  // may stay below the request when the corpus runs out of pairs
    std::size_t mergeCount = 0;
    std::size_t wordCount = 0;  // distinct pre-tokenized words in the corpus
};

/// Documents of a training corpus: a .jsonl file gives the "text" string of each
/// record (a record without one is an rlrf::Error naming the line); any other file
/// gives one document per line (a line that is not UTF-8 is an rlrf::Error naming it).
std::vector<std::string> readTrainingDocuments(const std::string &path);

/// Trains on `documents` and writes `outDir`/tokenizer.json and tokenizer_config.json
/// (the folder is created). Reports progress per merge batch and stops between
/// merges when `ctx` asks (outcome Cancelled, nothing written). Throws rlrf::Error
/// for a vocabulary size that does not exceed the special tokens plus 256 bytes,
/// a document that is not valid UTF-8 (naming it), or when the folder cannot be written.
BpeTrainingResult trainByteLevelBpe(const std::vector<std::string> &documents, const BpeTrainingOptions &options,
                                    const std::string &outDir, const RunContext &ctx = {});

} // namespace rlrf::model
