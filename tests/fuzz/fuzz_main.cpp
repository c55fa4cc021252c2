// SPDX-License-Identifier: GPL-3.0-or-later
// The libFuzzer entry point of one target, chosen at compile time with
// -DRLRF_FUZZ_NAME=<target> (tests/fuzz/CMakeLists.txt makes one program each).
#include "fuzz_target.h"

#define RLRF_FUZZ_CALL2(name) rlrf_fuzz_##name
#define RLRF_FUZZ_CALL(name) RLRF_FUZZ_CALL2(name)

int RLRF_FUZZ_CALL(RLRF_FUZZ_NAME)(const std::uint8_t *data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return RLRF_FUZZ_CALL(RLRF_FUZZ_NAME)(data, size);
}
