// SPDX-License-Identifier: GPL-3.0-or-later
// The stories260K reference model (shared/data/models/stories260K) converted to a
// Hugging Face folder, for tests that train or load a real small model.
#pragma once

#include <QString>

#include <string>

namespace rlrf::test {

// Path of a file under models/stories260K; a missing file stops the test run with
// a message naming the folder searched (never a skip).
std::string stories260KFile(const QString &name);

// Converts stories260K.bin + tok512.bin into `folder` (created) and returns it.
std::string convertStories260K(const QString &folder);

} // namespace rlrf::test
