// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt imports from files people bring: any JSONL, any CSV, GSM8K, Just-Eval
// and BFCL. One target per format: the bytes are the file.
#include "fuzz_target.h"

#include "store/import/csv_reader.h"
#include "store/import/dataset_importers.h"
#include "store/import/importers.h"

using rlrf::fuzz::scratchFile;

RLRF_FUZZ_TARGET(import_jsonl)
{
    const auto file = scratchFile(data, size, ".jsonl");
    RLRF_EXPECT_CLEAN_ERRORS(rlrf::tasks::readJsonlPrompts(file, {"prompt", "answer"}));
    return 0;
}

RLRF_FUZZ_TARGET(import_csv)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    RLRF_EXPECT_CLEAN_ERRORS(rlrf::tasks::parseCsv(text, "fuzz.csv"));
    const auto file = scratchFile(data, size, ".csv");
    RLRF_EXPECT_CLEAN_ERRORS(rlrf::tasks::readCsvPrompts(file, {"prompt", "answer"}));
    return 0;
}

RLRF_FUZZ_TARGET(import_gsm8k)
{
    const auto file = scratchFile(data, size, ".jsonl");
    RLRF_EXPECT_CLEAN_ERRORS(rlrf::tasks::readGsm8k(file));
    return 0;
}

RLRF_FUZZ_TARGET(import_just_eval)
{
    const auto file = scratchFile(data, size, ".jsonl");
    RLRF_EXPECT_CLEAN_ERRORS(rlrf::tasks::readJustEval(file));
    return 0;
}

RLRF_FUZZ_TARGET(import_bfcl)
{
    const auto file = scratchFile(data, size, ".json");
    RLRF_EXPECT_CLEAN_ERRORS(rlrf::tasks::readBfcl(file));
    return 0;
}
