// Precompiled header for the translation units of librlrf that use LibTorch.
// Only CMake includes this file; sources still include what they use.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
