// SPDX-License-Identifier: GPL-3.0-or-later
#include "fuzz_target.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace rlrf::fuzz {

std::string scratchFile(const std::uint8_t *data, std::size_t size, const std::string &suffix)
{
    namespace fs = std::filesystem;
    static const fs::path folder = [] {
        const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        const fs::path dir = base / ("rlrf-fuzz-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        return dir;
    }();
    const fs::path file = folder / ("input" + suffix);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
    return file.string();
}

} // namespace rlrf::fuzz
