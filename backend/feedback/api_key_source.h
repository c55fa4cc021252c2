// SPDX-License-Identifier: GPL-3.0-or-later
// Where a remote judge's API key comes from outside the GUI: an environment
// variable, or a file named by VARIABLE_FILE that only its owner may read. The key
// is a run-time value only: nothing here writes it anywhere.
#pragma once

#include <string>

namespace rlrf::feedback {

/// The key from $variable, or else from the file named by ${variable}_FILE; empty
/// when neither is set. $variable wins when both are set. Throws rlrf::Error (see
/// readApiKeyFile) for a key file that must not be trusted.
std::string apiKeyFromEnvironment(const std::string &variable);

/// Reads a key file: a regular file owned by the current user with no permission
/// bits for group or others (chmod 600), holding the key on one line (a trailing
/// line break is dropped). Throws rlrf::Error naming the file and the fix otherwise;
/// the message never contains the key.
std::string readApiKeyFile(const std::string &path, const std::string &variable = "RLRF_API_KEY_FILE");

/// Throws rlrf::Error when `key` cannot travel in an HTTP header (a line break or
/// another control character would end the header early).
void checkApiKey(const std::string &key, const std::string &origin);

/// `text` with every occurrence of `secret` replaced by "[redacted]", for anything
/// a server sends back that ends up in logs, errors or stored judge output.
std::string redactSecret(std::string text, const std::string &secret);

} // namespace rlrf::feedback
