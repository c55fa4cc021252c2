// SPDX-License-Identifier: GPL-3.0-or-later
// What a loaded Tokenizer holds: the pipeline stages of tokenizer.json
// (added tokens, normalizer, pre-tokenizer, BPE model, post-processor, decoder)
// and the facts from tokenizer_config.json.
#pragma once

#include "model/tokenizer.h"
#include "model/tokenizer/added_tokens.h"
#include "model/tokenizer/bpe_model.h"
#include "model/tokenizer/normalizer.h"
#include "model/tokenizer/post_processor.h"
#include "model/tokenizer/pre_tokenizer.h"
#include "model/tokenizer/token_decoder.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace rlrf::model {

struct Tokenizer::Impl {
    std::string path;
    std::unique_ptr<detail::BpeModel> model;
    std::unique_ptr<detail::Normalizer> normalizer;
    std::unique_ptr<detail::PreTokenizer> preTokenizer;
    std::unique_ptr<detail::PostProcessor> postProcessor;
    std::unique_ptr<detail::TokenDecoder> decoder;

    std::deque<detail::AddedTokenSpec> addedSpecs; // stable addresses for the splitters
    std::vector<AddedToken> addedTokens;
    std::unordered_set<std::string> addedContents; // passed through by ByteLevel decoding
    std::unordered_set<std::int32_t> specialIds;   // skipped by decode(ids, true)
    detail::AddedTokenSplitter rawSplitter;        // tokens matched before normalization
    detail::AddedTokenSplitter normalizedSplitter; // tokens matched after it

    std::optional<std::int32_t> bos, eos, pad, unk;
};

namespace detail {

// Fills `impl` from tokenizer.json (and tokenizer_config.json when the path is not
// empty). Throws rlrf::Error naming the file and the field.
void loadTokenizer(Tokenizer::Impl &impl, const std::string &tokenizerJson, const std::string &configJson);

} // namespace detail

} // namespace rlrf::model
