// SPDX-License-Identifier: GPL-3.0-or-later
// How the next token is chosen and when generation stops, as plain values (torch-free,
// so the facade, the CLI and the GUI can fill them in).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::model {

struct SamplingOptions {
    double temperature = 1.0; // 0 = greedy
    std::int64_t topK = 0;    // 0 = off; 1 = greedy
    double topP = 1.0;        // 1 = off
};

struct GenerationOptions {
    std::int64_t maxNewTokens = 128;
    SamplingOptions sampling;
    std::uint64_t seed = 0;                // same seed, same prompts -> same tokens
    std::int64_t numSamples = 1;           // completions per prompt; they share its prefill
    std::vector<std::int64_t> eosIds;      // any of them ends a completion (and is kept in it)
    std::vector<std::string> stopStrings;  // need a decode function; end when the text contains one
    std::int64_t padId = 0;                // fills left padding; never attended to
};

enum class FinishReason { Length, Eos, StopString, Cancelled };

const char *toString(FinishReason reason);

} // namespace rlrf::model
