// SPDX-License-Identifier: GPL-3.0-or-later
// generation_config.json of a Hugging Face model folder, from the model's config.
#pragma once

#include "model/model_config.h"

#include <nlohmann/json.hpp>

namespace rlrf::model {

// {"bos_token_id", "eos_token_id" (a number, or a list when several), "pad_token_id"}
// as transformers writes it for a model without sampling defaults.
nlohmann::json generationConfigJson(const ModelConfig &config);

} // namespace rlrf::model
