// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/generation_config.h"

namespace rlrf::model {

nlohmann::json generationConfigJson(const ModelConfig &config)
{
    nlohmann::json j = {{"_from_model_config", true}};
    if (config.bosTokenId)
        j["bos_token_id"] = *config.bosTokenId;
    if (config.eosTokenIds.size() == 1)
        j["eos_token_id"] = config.eosTokenIds.front();
    else if (!config.eosTokenIds.empty())
        j["eos_token_id"] = config.eosTokenIds;
    if (config.padTokenId)
        j["pad_token_id"] = *config.padTokenId;
    return j;
}

} // namespace rlrf::model
