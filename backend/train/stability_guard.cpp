// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/stability_guard.h"

#include <cmath>
#include <sstream>

namespace rlrf::train {

namespace {

std::string describe(std::int64_t step, const std::string &what, double value)
{
    std::ostringstream out;
    out << "step " << step << ": " << what << " is " << (std::isnan(value) ? "nan" : value > 0 ? "+inf" : "-inf")
        << " (the update was not applied)";
    return out.str();
}

} // namespace

NonFiniteError::NonFiniteError(std::int64_t step, const std::string &what, double value)
    : std::runtime_error(describe(step, what, value)), m_step(step)
{
}

void requireFinite(double value, const std::string &what, std::int64_t step)
{
    if (!std::isfinite(value))
        throw NonFiniteError(step, what, value);
}

} // namespace rlrf::train
