// SPDX-License-Identifier: GPL-3.0-or-later
// A read-only POSIX memory mapping of a whole file, unmapped when the last owner
// goes away. Backend-internal (used by the safetensors reader). A file replaced by
// rename (as the writer does) leaves existing mappings intact; one truncated in
// place by another program would fault on access, which is why nothing here
// rewrites files in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace rlrf::model::detail {

class MappedFile {
public:
    /// Maps `path` read-only; throws rlrf::Error naming the file and the system's
    /// reason when it cannot be opened or mapped. An empty file maps to no bytes.
    static std::shared_ptr<const MappedFile> open(const std::string &path);

    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const std::uint8_t *data() const { return m_data; }
    std::uint64_t size() const { return m_size; }

private:
    MappedFile() = default;
    const std::uint8_t *m_data = nullptr;
    std::uint64_t m_size = 0;
};

} // namespace rlrf::model::detail
