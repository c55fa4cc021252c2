// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/mapped_file.h"

#include "core/error.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rlrf::model::detail {

namespace {

std::string systemReason() { return std::strerror(errno); }

} // namespace

std::shared_ptr<const MappedFile> MappedFile::open(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error("cannot open file: " + systemReason(), {path, 0, {}});
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const std::string reason = systemReason();
        ::close(fd);
        throw Error("cannot read file size: " + reason, {path, 0, {}});
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error("not a regular file", {path, 0, {}});
    }
    std::shared_ptr<MappedFile> file(new MappedFile);
    file->m_size = static_cast<std::uint64_t>(st.st_size);
    if (file->m_size > 0) {
        void *addr = ::mmap(nullptr, file->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (addr == MAP_FAILED) {
            const std::string reason = systemReason();
            ::close(fd);
            throw Error("cannot memory-map file: " + reason, {path, 0, {}});
        }
        file->m_data = static_cast<const std::uint8_t *>(addr);
    }
    // The mapping stays valid after the descriptor is closed.
    ::close(fd);
    return file;
}

MappedFile::~MappedFile()
{
    if (m_data)
        ::munmap(const_cast<std::uint8_t *>(m_data), m_size);
}

} // namespace rlrf::model::detail
