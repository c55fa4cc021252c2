// SPDX-License-Identifier: GPL-3.0-or-later
// The "post_processor" section of tokenizer.json, applied when special tokens are
// requested: TemplateProcessing (Llama 2/3 add <s> / <|begin_of_text|>),
// BertProcessing, RobertaProcessing, ByteLevel (offsets only: no change to ids), Sequence.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rlrf::model::detail {

class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    virtual void apply(std::vector<std::int32_t> &ids) const = 0;
};

std::unique_ptr<PostProcessor> makePostProcessor(const nlohmann::json &spec, const std::string &file,
                                                 const std::string &field = "post_processor");

} // namespace rlrf::model::detail
