// SPDX-License-Identifier: GPL-3.0-or-later
// Stops a run at the first non-finite loss or gradient norm, before the optimizer
// applies it, so the weights in memory and the last checkpoint on disk stay good.
// Torch-free.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace rlrf::train {

class NonFiniteError : public std::runtime_error {
public:
    NonFiniteError(std::int64_t step, const std::string &what, double value);
    std::int64_t step() const { return m_step; }

private:
    std::int64_t m_step;
};

// Throws NonFiniteError "step N: WHAT is nan/inf" when `value` is not finite.
// `step` is 1-based (the optimizer step being computed).
void requireFinite(double value, const std::string &what, std::int64_t step);

} // namespace rlrf::train
