// SPDX-License-Identifier: GPL-3.0-or-later
// Typed reads of tokenizer.json sections with errors that name the file and the
// JSON path of the field ("pre_tokenizer.pretokenizers[0].pattern").
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace rlrf::model::detail {

// A Split/Replace pattern: {"String": "..."} or {"Regex": "..."}.
struct Pattern {
    std::string text;
    bool isRegex = false;
};

std::string typeOf(const nlohmann::json &spec, const std::string &file, const std::string &field);
std::string stringField(const nlohmann::json &spec, const char *key, const std::string &file, const std::string &field);
const nlohmann::json &arrayField(const nlohmann::json &spec, const char *key, const std::string &file,
                                 const std::string &field);
// A missing or null key gives `fallback`.
bool boolField(const nlohmann::json &spec, const char *key, bool fallback, const std::string &file,
               const std::string &field);
Pattern patternField(const nlohmann::json &spec, const std::string &file, const std::string &field);

} // namespace rlrf::model::detail
