// SPDX-License-Identifier: GPL-3.0-or-later
// Exact fractions of 64-bit integers, for checking equations without rounding.
// Every operation reports overflow instead of wrapping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rlrf::tasks {

class Rational {
public:
    Rational() = default;
    explicit Rational(std::int64_t whole) : m_num(whole) {}

    /// num / den in lowest terms with a positive denominator; nothing when den
    /// is 0 or the result does not fit.
    static std::optional<Rational> make(std::int64_t num, std::int64_t den);

    std::int64_t num() const { return m_num; }
    std::int64_t den() const { return m_den; }
    bool isWhole() const { return m_den == 1; }
    bool operator==(const Rational &o) const { return m_num == o.m_num && m_den == o.m_den; }
    std::string toString() const;

    // Nothing on overflow; divide also on division by zero.
    std::optional<Rational> add(const Rational &o) const;
    std::optional<Rational> subtract(const Rational &o) const;
    std::optional<Rational> multiply(const Rational &o) const;
    std::optional<Rational> divide(const Rational &o) const;

private:
    std::int64_t m_num = 0;
    std::int64_t m_den = 1;
};

} // namespace rlrf::tasks
