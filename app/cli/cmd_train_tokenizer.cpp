// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf train-tokenizer --input F.txt|F.jsonl --vocab-size N --out DIR`: learns a
// byte-level BPE (GPT-2 pre-tokenizer) and writes DIR/tokenizer.json and
// DIR/tokenizer_config.json. Prints one JSON summary line on stdout.
#include "cli/command_registry.h"

#include "model/bpe_trainer.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

int runTrainTokenizer(const rlrf::cli::ParsedArgs &args)
{
    rlrf::model::BpeTrainingOptions options;
    const long long vocab = args.intValue("vocab-size", 0);
    const long long minFrequency = args.intValue("min-frequency", 2);
    if (vocab <= 0) throw rlrf::cli::UsageError("--vocab-size must be a positive number");
    if (minFrequency < 1) throw rlrf::cli::UsageError("--min-frequency must be at least 1");
    options.vocabSize = static_cast<std::size_t>(vocab);
    options.minFrequency = static_cast<std::size_t>(minFrequency);
    if (args.has("special")) options.specialTokens = args.values("special");
    options.splitDigits = args.has("split-digits");
    const std::string out = args.required("out");
    const auto documents = rlrf::model::readTrainingDocuments(args.required("input"));
    const auto result = rlrf::model::trainByteLevelBpe(documents, options, out);
    std::cout << nlohmann::json{{"out", out}, {"vocab_size", result.vocabSize}, {"merges", result.mergeCount},
                                {"words", result.wordCount}}.dump()
              << "\n";
    return 0;
}

static rlrf::cli::RegisterCommand registerTrainTokenizer{{
    "train-tokenizer",
    "train a byte-level BPE tokenizer on a text corpus",
    "rlrf train-tokenizer --input F.txt|F.jsonl --vocab-size N --out DIR [--split-digits]",
    {
        {"input", "FILE", "a .jsonl file ({\"text\": ...} per line) or plain text (a document per line)"},
        {"vocab-size", "N", "tokens in the vocabulary: special tokens + 256 bytes + merges"},
        {"out", "DIR", "folder for tokenizer.json and tokenizer_config.json"},
        {"min-frequency", "N", "merge only pairs seen at least N times (default 2)"},
        {"special", "TOKEN", "a special token (repeatable; default <|endoftext|>)", true},
        {"split-digits", "", "every digit its own token (numbers are spelled digit by digit)"},
    },
    0,
    0,
    "GPT-2 style: the GPT-2 split pattern, 256 byte symbols, ranked merges; the\n"
    "files load in rlrf and in Hugging Face tokenizers. The vocabulary stays\n"
    "smaller than N when the corpus has no more pairs of the minimum frequency.\n",
    runTrainTokenizer,
}};

} // namespace
