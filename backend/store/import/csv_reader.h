// SPDX-License-Identifier: GPL-3.0-or-later
// CSV as RFC 4180 writes it: comma-separated, fields optionally in double quotes,
// "" for a quote inside a quoted field, commas and newlines allowed inside quotes.
// Malformed input is an error naming the file and the line, never a guess.
#pragma once

#include <string>
#include <vector>

namespace rlrf::tasks {

struct CsvRecord {
    long line = 0;                    // 1-based line where the record starts
    std::vector<std::string> fields;
};

/// Parses the whole text. Lines that are entirely empty are skipped. Throws
/// rlrf::Error {name, line} for an unterminated quoted field, text after a
/// closing quote, or a quote inside an unquoted field.
std::vector<CsvRecord> parseCsv(const std::string &text, const std::string &name);

} // namespace rlrf::tasks
