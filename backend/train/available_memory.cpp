// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/available_memory.h"

#include <fstream>
#include <sstream>

namespace rlrf::train {

std::optional<std::uint64_t> parseMemAvailable(const std::string &meminfoText)
{
    std::istringstream lines(meminfoText);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string key, unit;
        unsigned long long value = 0;
        if (!(fields >> key) || key != "MemAvailable:")
            continue;
        // The kernel writes kB and means KiB.
        if (!(fields >> value >> unit) || unit != "kB" || value > (~0ull >> 10))
            return std::nullopt;
        return static_cast<std::uint64_t>(value) << 10;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> cpuAvailableBytes(const std::string &path)
{
    std::ifstream file(path);
    if (!file)
        return std::nullopt;
    std::ostringstream text;
    text << file.rdbuf();
    return parseMemAvailable(text.str());
}

} // namespace rlrf::train
