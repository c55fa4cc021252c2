// SPDX-License-Identifier: GPL-3.0-or-later
// One fuzz target: a function from bytes to nothing that must never crash, hang,
// leak or trip a sanitizer, whatever the bytes. The project's own errors
// (rlrf::Error: the clear message a user would get) are the expected outcome of
// bad input and are caught inside the target; anything else escapes.
//
// Target files define bodies with RLRF_FUZZ_TARGET(name). With RLRF_FUZZ on
// (clang, tests/fuzz/fuzz.sh) each target becomes a libFuzzer program through
// fuzz_main.cpp; in the normal build tst_fuzz_replay runs every target over real
// seed files and the inputs that once crashed it (tests/fuzz/regressions/<name>/).
#pragma once

#include "core/error.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace rlrf::fuzz {

/// Writes `data` to a per-process scratch file and returns its path, for parsers
/// that read files (the scratch folder is /dev/shm when present).
std::string scratchFile(const std::uint8_t *data, std::size_t size, const std::string &suffix);

} // namespace rlrf::fuzz

// Declares (and, followed by a body, defines) target `name`.
#define RLRF_FUZZ_TARGET(name) int rlrf_fuzz_##name(const std::uint8_t *data, std::size_t size)

// Runs `statement`; an rlrf::Error is the expected answer to bad input.
#define RLRF_EXPECT_CLEAN_ERRORS(...)                                                                 \
    try {                                                                                            \
        __VA_ARGS__;                                                                                 \
    } catch (const rlrf::Error &) {                                                                  \
    }
