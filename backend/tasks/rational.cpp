// SPDX-License-Identifier: GPL-3.0-or-later
// Exact fraction arithmetic with overflow checks (GCC/Clang builtins).
#include "tasks/rational.h"

#include <numeric>

namespace rlrf::tasks {
namespace {

bool mul(std::int64_t a, std::int64_t b, std::int64_t &out) { return !__builtin_mul_overflow(a, b, &out); }
bool add64(std::int64_t a, std::int64_t b, std::int64_t &out) { return !__builtin_add_overflow(a, b, &out); }

} // namespace

std::optional<Rational> Rational::make(std::int64_t num, std::int64_t den)
{
    if (den == 0 || num == INT64_MIN || den == INT64_MIN)
        return std::nullopt;
    if (den < 0) {
        num = -num;
        den = -den;
    }
    const std::int64_t g = std::gcd(num, den);
    Rational r;
    r.m_num = num / g;
    r.m_den = den / g;
    return r;
}

std::string Rational::toString() const
{
    return m_den == 1 ? std::to_string(m_num) : std::to_string(m_num) + "/" + std::to_string(m_den);
}

std::optional<Rational> Rational::add(const Rational &o) const
{
    std::int64_t a, b, num, den;
    if (!mul(m_num, o.m_den, a) || !mul(o.m_num, m_den, b) || !add64(a, b, num) || !mul(m_den, o.m_den, den))
        return std::nullopt;
    return make(num, den);
}

std::optional<Rational> Rational::subtract(const Rational &o) const
{
    if (o.m_num == INT64_MIN)
        return std::nullopt;
    Rational negated = o;
    negated.m_num = -o.m_num;
    return add(negated);
}

std::optional<Rational> Rational::multiply(const Rational &o) const
{
    std::int64_t num, den;
    if (!mul(m_num, o.m_num, num) || !mul(m_den, o.m_den, den))
        return std::nullopt;
    return make(num, den);
}

std::optional<Rational> Rational::divide(const Rational &o) const
{
    if (o.m_num == 0)
        return std::nullopt;
    std::int64_t num, den;
    if (!mul(m_num, o.m_den, num) || !mul(m_den, o.m_num, den))
        return std::nullopt;
    return make(num, den);
}

} // namespace rlrf::tasks
