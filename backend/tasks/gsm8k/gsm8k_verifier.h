// SPDX-License-Identifier: GPL-3.0-or-later
// The GSM8K final-answer verifier: the reference is the number after "#### " in
// the data set's answer text; a response is right when its final number equals
// it as an exact decimal.
//
// Which number of the response counts, first rule that applies:
//   1. the first number after the last "####";
//   2. the first number on the last line that starts with "Answer:" (after
//      spaces; any capitalisation, "The answer is" does not count);
//   3. the last number anywhere in the response.
// A number is an optional '-', digits with optional thousands commas
// ("1,234"), optional decimals ("18.50"); '$', '%' and units around it are
// ignored. Equal means equal as decimals: "18", "18.0" and "18.00" are the same.
#pragma once

#include "tasks/task.h"

#include <optional>
#include <string>

namespace rlrf::tasks {

/// The number after "####" in a GSM8K answer text, normalised (see below);
/// throws rlrf::Error if there is no such number.
std::string gsm8kReferenceAnswer(const std::string &answerText);

/// The response's final number by the rules above, normalised: no commas, no
/// leading '+' or zeros, no trailing decimal zeros, "-0" as "0". Nothing if none.
std::optional<std::string> gsm8kFinalNumber(const std::string &response);

/// Compares gsm8kFinalNumber(response) with the normalised reference number.
Verdict verifyGsm8k(const std::string &referenceNumber, const std::string &response);

} // namespace rlrf::tasks
