// SPDX-License-Identifier: GPL-3.0-or-later
// The one translation unit of rlrf_torch_pch: it exists so CMake builds the
// precompiled LibTorch header that the torch modules reuse.
