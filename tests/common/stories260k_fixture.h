// SPDX-License-Identifier: GPL-3.0-or-later
// The stories260K model (llama2.c's tinyllamas, shared/data/models/stories260K)
// converted into a Hugging Face folder (config.json, model.safetensors,
// tokenizer.json) for tests that train or score a real model.
#pragma once

#include <QString>

#include <string>

namespace rlrf::test {

// Converts into `folder` and returns it; fails the test run (qFatal) with a message
// naming the missing reference file.
std::string convertStories260K(const QString &folder);

} // namespace rlrf::test
