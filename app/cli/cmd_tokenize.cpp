// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf tokenize --model DIR --input F.jsonl`: token ids of each {"text": ...}
// line as {"ids": [...]} on stdout (no special tokens added). Scripts rely on
// this exact form.
#include "cli/command_registry.h"

#include "core/logging.h"
#include "model/tokenize_jsonl.h"
#include "model/tokenizer.h"

#include <iostream>

namespace {

int runTokenize(const rlrf::cli::ParsedArgs &args)
{
    const auto tokenizer = rlrf::model::Tokenizer::fromModelDir(args.required("model"));
    const std::size_t n = rlrf::model::tokenizeJsonl(tokenizer, args.required("input"), std::cout);
    rlrf::log::get("tokenize")->info("{} lines tokenized", n);
    return 0;
}

static rlrf::cli::RegisterCommand registerTokenize{{
    "tokenize",
    "token ids of JSONL text with a model's tokenizer",
    "rlrf tokenize --model DIR --input F.jsonl",
    {
        {"model", "DIR", "model folder with tokenizer.json (and tokenizer_config.json)"},
        {"input", "F.jsonl", "one {\"text\": ...} object a line; - reads stdin"},
    },
    0,
    0,
    "Writes one {\"ids\": [...]} line per input line to stdout, without special\n"
    "tokens. A bad line stops the command with exit code 1 and names the line.\n",
    runTokenize,
}};

} // namespace
