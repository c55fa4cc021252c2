// SPDX-License-Identifier: GPL-3.0-or-later
// Recursive-descent reader for Countdown expressions:
//   expr   := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := NUMBER | '(' expr ')'
#include "tasks/countdown/countdown_expression.h"

#include <cctype>
#include <stdexcept>

namespace rlrf::tasks {
namespace {

// Thrown inside the reader only; turned into ExpressionResult::error.
struct ReadError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Reader {
public:
    Reader(const std::string &text, bool whole) : m_text(text), m_whole(whole) {}

    Rational expression(int depth)
    {
        if (depth > 64)
            throw ReadError("too deeply nested");
        Rational value = term(depth);
        while (peek() == '+' || peek() == '-') {
            const char op = m_text[m_pos++];
            const Rational rhs = term(depth);
            value = check(op == '+' ? value.add(rhs) : value.subtract(rhs), "overflow");
        }
        return value;
    }

    void expectEnd()
    {
        if (peek() != '\0')
            throw ReadError(std::string("unexpected '") + m_text[m_pos] + "' at " + std::to_string(m_pos + 1));
    }

    std::vector<std::int64_t> numbers;

private:
    char peek()
    {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
            ++m_pos;
        return m_pos < m_text.size() ? m_text[m_pos] : '\0';
    }

    static Rational check(const std::optional<Rational> &r, const char *what)
    {
        if (!r)
            throw ReadError(what);
        return *r;
    }

    Rational term(int depth)
    {
        Rational value = factor(depth);
        while (peek() == '*' || peek() == '/') {
            const char op = m_text[m_pos++];
            const std::size_t at = m_pos;
            const Rational rhs = factor(depth);
            if (op == '*') {
                value = check(value.multiply(rhs), "overflow");
                continue;
            }
            if (rhs.num() == 0)
                throw ReadError("division by zero at " + std::to_string(at));
            value = check(value.divide(rhs), "overflow");
            if (m_whole && !value.isWhole())
                throw ReadError("division at " + std::to_string(at) + " leaves a fraction");
        }
        return value;
    }

    Rational factor(int depth)
    {
        const char c = peek();
        if (c == '(') {
            ++m_pos;
            const Rational value = expression(depth + 1);
            if (peek() != ')')
                throw ReadError("missing ')' at " + std::to_string(m_pos + 1));
            ++m_pos;
            return value;
        }
        if (!std::isdigit(static_cast<unsigned char>(c)))
            throw ReadError(c == '\0' ? std::string("expression ends too early")
                                      : std::string("expected a number or '(' at ") + std::to_string(m_pos + 1));
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[m_pos])))
            ++m_pos;
        if (m_pos - start > 15)
            throw ReadError("number too long at " + std::to_string(start + 1));
        const std::int64_t n = std::stoll(m_text.substr(start, m_pos - start));
        numbers.push_back(n);
        return Rational(n);
    }

    const std::string &m_text;
    bool m_whole;
    std::size_t m_pos = 0;
};

} // namespace

ExpressionResult evaluateExpression(const std::string &text, bool wholeIntermediates)
{
    ExpressionResult result;
    Reader reader(text, wholeIntermediates);
    try {
        result.value = reader.expression(0);
        reader.expectEnd();
        result.ok = true;
    } catch (const ReadError &e) {
        result.error = e.what();
    }
    result.numbers = reader.numbers;
    return result;
}

} // namespace rlrf::tasks
