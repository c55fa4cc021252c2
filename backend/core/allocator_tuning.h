// SPDX-License-Identifier: GPL-3.0-or-later
// LibTorch on the CPU allocates every tensor with malloc and frees it at once. A
// training step of a small model makes thousands of tensors of 0.1-2 MB; with
// glibc's defaults many of those are mmap'd and unmapped each time, or trimmed
// back to the system, so every step pays page faults on fresh zeroed pages (on
// the demo model a tenth of a supervised step was kernel time). Keeping freed
// memory for reuse removes that.
#pragma once

namespace rlrf {

/// Call first in main(), before any thread starts: allocations below 64 MiB come
/// from the heap, and up to 512 MiB of free heap is kept rather than returned.
/// Larger blocks (a big model's weights, logits) are still mapped and returned
/// when freed. Does nothing where the C library is not glibc, or when the user
/// set glibc's malloc tunables (GLIBC_TUNABLES names glibc.malloc.*).
void keepFreedMemoryForReuse();

} // namespace rlrf
