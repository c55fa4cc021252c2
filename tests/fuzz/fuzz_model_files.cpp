// SPDX-License-Identifier: GPL-3.0-or-later
// Model files people bring: a safetensors file (header and layout), config.json,
// tokenizer.json (loaded, then encoding and decoding a sentence), and llama2.c
// checkpoints. The bytes are the file.
#include "fuzz_target.h"

#include "model/llama2c_reader.h"
#include "model/model_config.h"
#include "model/safetensors_reader.h"
#include "model/tokenizer.h"

#include <nlohmann/json.hpp>

using rlrf::fuzz::scratchFile;

RLRF_FUZZ_TARGET(safetensors)
{
    const auto file = scratchFile(data, size, ".safetensors");
    RLRF_EXPECT_CLEAN_ERRORS(rlrf::model::SafetensorsFile::open(file));
    return 0;
}

RLRF_FUZZ_TARGET(model_config)
{
    const auto json = nlohmann::json::parse(data, data + size, nullptr, false);
    if (json.is_discarded())
        return 0;
    RLRF_EXPECT_CLEAN_ERRORS(rlrf::model::parseModelConfig(json, "config.json"));
    return 0;
}

RLRF_FUZZ_TARGET(tokenizer_json)
{
    const auto file = scratchFile(data, size, ".json");
    RLRF_EXPECT_CLEAN_ERRORS({
        const auto tokenizer = rlrf::model::Tokenizer::fromFiles(file);
        const auto ids = tokenizer.encode("Hello, world! 12 + 30 = 42. Ünïcödé ok?", true);
        tokenizer.decode(ids, true);
    });
    return 0;
}

RLRF_FUZZ_TARGET(llama2c)
{
    const auto file = scratchFile(data, size, ".bin");
    RLRF_EXPECT_CLEAN_ERRORS(rlrf::model::readLlama2cCheckpoint(file));
    return 0;
}
