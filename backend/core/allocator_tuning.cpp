// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/allocator_tuning.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace rlrf {

void keepFreedMemoryForReuse()
{
#if defined(__GLIBC__)
    if (const char *tunables = std::getenv("GLIBC_TUNABLES"); tunables && std::strstr(tunables, "glibc.malloc."))
        return; // the user's own settings win
    // A fixed threshold also stops glibc from moving it after each free.
    mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    mallopt(M_TOP_PAD, 64 * 1024 * 1024);
#endif
}

} // namespace rlrf
