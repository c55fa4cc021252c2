// SPDX-License-Identifier: GPL-3.0-or-later
#include "feedback/api_key_source.h"

#include "core/error.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace rlrf::feedback {
namespace {

std::string octalMode(mode_t mode)
{
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
    return buffer;
}

// A key file readable by others is as good as published: refuse it before reading.
void checkKeyFilePermissions(const std::string &path, const std::string &variable)
{
    struct stat info{};
    if (::stat(path.c_str(), &info) != 0)
        throw Error("cannot read the API key file: it does not exist or is not accessible", {path, 0, variable});
    if (!S_ISREG(info.st_mode))
        throw Error("the API key file is not a regular file", {path, 0, variable});
    if (info.st_uid != ::geteuid())
        throw Error("the API key file belongs to another user; it must be owned by the user running rlrf",
                    {path, 0, variable});
    if ((info.st_mode & 077) != 0)
        throw Error("the API key file is accessible to group or others (mode " + octalMode(info.st_mode)
                        + "); allow only its owner: chmod 600 " + path,
                    {path, 0, variable});
}

} // namespace

std::string apiKeyFromEnvironment(const std::string &variable)
{
    if (variable.empty())
        return {};
    if (const char *key = std::getenv(variable.c_str()); key && *key) {
        checkApiKey(key, "$" + variable);
        return key;
    }
    const std::string fileVariable = variable + "_FILE";
    if (const char *path = std::getenv(fileVariable.c_str()); path && *path)
        return readApiKeyFile(path, fileVariable);
    return {};
}

std::string readApiKeyFile(const std::string &path, const std::string &variable)
{
    checkKeyFilePermissions(path, variable);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open the API key file", {path, 0, variable});
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string key = buffer.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ' || key.back() == '\t'))
        key.pop_back();
    if (key.empty())
        throw Error("the API key file is empty", {path, 0, variable});
    checkApiKey(key, path);
    return key;
}

void checkApiKey(const std::string &key, const std::string &origin)
{
    for (const char c : key) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            throw Error("the API key from " + origin
                        + " contains a line break or another control character; it must be one line");
    }
}

std::string redactSecret(std::string text, const std::string &secret)
{
    if (secret.empty())
        return text;
    static const std::string kMark = "[redacted]";
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kMark.size()))
        text.replace(at, secret.size(), kMark);
    return text;
}

} // namespace rlrf::feedback
