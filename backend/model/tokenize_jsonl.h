// SPDX-License-Identifier: GPL-3.0-or-later
// Batch tokenization of JSONL: each {"text": ...} record becomes one line
// {"ids": [...]} (no special tokens added). Used by `rlrf tokenize`.
#pragma once

#include "model/tokenizer.h"

#include <cstddef>
#include <ostream>
#include <string>

namespace rlrf::model {

/// Reads `inputPath` ("-" = stdin) and writes one JSON line per record to `out`.
/// Returns the number of records. A malformed line, a record without a "text"
/// string, or text that is not UTF-8 throws rlrf::Error naming the file and line;
/// lines already written stay written.
std::size_t tokenizeJsonl(const Tokenizer &tokenizer, const std::string &inputPath, std::ostream &out);

} // namespace rlrf::model
