// SPDX-License-Identifier: GPL-3.0-or-later
// Reads function calls written as JSON or as a Python call; forms in bfcl_call.h.
#include "tasks/bfcl/bfcl_call.h"

#include <cctype>
#include <stdexcept>

namespace rlrf::tasks {
namespace {

struct ReadError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// "```json\n...\n```" -> "..."
std::string withoutFence(std::string text)
{
    text = trim(text);
    if (text.rfind("```", 0) != 0)
        return text;
    const auto firstNewline = text.find('\n');
    const auto close = text.rfind("```");
    if (firstNewline == std::string::npos || close <= firstNewline)
        return text;
    return trim(text.substr(firstNewline + 1, close - firstNewline - 1));
}

// Python literals and a keyword-argument call, recursive descent.
class PythonReader {
public:
    explicit PythonReader(const std::string &t) : m_t(t) {}

    FunctionCall call()
    {
        FunctionCall c;
        const bool bracketed = peek() == '[';
        if (bracketed)
            ++m_i;
        c.name = identifier(true);
        expect('(');
        while (peek() != ')') {
            if (!identChar(peek(), false) || std::isdigit(static_cast<unsigned char>(peek())))
                throw ReadError("positional arguments are not supported (at " + std::to_string(m_i + 1) + ")");
            const std::string key = identifier(false);
            if (peek() != '=')
                throw ReadError("positional argument or missing '=' after '" + key + "'");
            ++m_i;
            if (c.arguments.contains(key))
                throw ReadError("argument '" + key + "' given twice");
            c.arguments[key] = value(0);
            if (peek() != ',')
                break;
            ++m_i;
        }
        expect(')');
        if (bracketed)
            expect(']');
        if (peek() != '\0')
            throw ReadError("text after the call");
        return c;
    }

private:
    char peek()
    {
        while (m_i < m_t.size() && std::isspace(static_cast<unsigned char>(m_t[m_i])))
            ++m_i;
        return m_i < m_t.size() ? m_t[m_i] : '\0';
    }
    void expect(char c)
    {
        if (peek() != c)
            throw ReadError(std::string("expected '") + c + "' at " + std::to_string(m_i + 1));
        ++m_i;
    }
    static bool identChar(char c, bool dotted)
    {
        // Bytes >= 0x80: UTF-8 letters, which Python 3 allows in names ("año").
        const auto u = static_cast<unsigned char>(c);
        return std::isalnum(u) || c == '_' || u >= 0x80 || (dotted && c == '.');
    }
    std::string identifier(bool dotted)
    {
        peek();
        const std::size_t start = m_i;
        while (m_i < m_t.size() && identChar(m_t[m_i], dotted))
            ++m_i;
        if (start == m_i || std::isdigit(static_cast<unsigned char>(m_t[start])))
            throw ReadError("expected a name at " + std::to_string(start + 1));
        return m_t.substr(start, m_i - start);
    }

    nlohmann::json value(int depth);
    nlohmann::json sequence(char close, int depth);
    nlohmann::json dict(int depth);
    nlohmann::json number();
    std::string string();

    const std::string &m_t;
    std::size_t m_i = 0;
};

nlohmann::json PythonReader::value(int depth)
{
    if (depth > 32)
        throw ReadError("nested too deeply");
    const char c = peek();
    if (c == '\'' || c == '"')
        return string();
    if (c == '[' || c == '(') {
        ++m_i;
        return sequence(c == '[' ? ']' : ')', depth);
    }
    if (c == '{') {
        ++m_i;
        return dict(depth);
    }
    if (c == '-' || c == '+' || std::isdigit(static_cast<unsigned char>(c)))
        return number();
    const std::string word = identifier(false);
    if (word == "True" || word == "False")
        return word == "True";
    if (word == "None")
        return nullptr;
    throw ReadError("'" + word + "' is not a literal");
}

nlohmann::json PythonReader::sequence(char close, int depth)
{
    nlohmann::json list = nlohmann::json::array();
    while (peek() != close) {
        list.push_back(value(depth + 1));
        if (peek() != ',')
            break;
        ++m_i;
    }
    expect(close);
    return list;
}

nlohmann::json PythonReader::dict(int depth)
{
    nlohmann::json object = nlohmann::json::object();
    while (peek() != '}') {
        const nlohmann::json key = value(depth + 1);
        if (!key.is_string())
            throw ReadError("dictionary keys must be strings");
        expect(':');
        object[key.get<std::string>()] = value(depth + 1);
        if (peek() != ',')
            break;
        ++m_i;
    }
    expect('}');
    return object;
}

nlohmann::json PythonReader::number()
{
    const std::size_t start = m_i;
    if (m_t[m_i] == '-' || m_t[m_i] == '+')
        ++m_i;
    bool isFloat = false;
    while (m_i < m_t.size()) {
        const char c = m_t[m_i];
        if (c == '.' || c == 'e' || c == 'E' || ((c == '-' || c == '+') && (m_t[m_i - 1] == 'e' || m_t[m_i - 1] == 'E')))
            isFloat = true;
        else if (!std::isdigit(static_cast<unsigned char>(c)))
            break;
        ++m_i;
    }
    const std::string text = m_t.substr(start, m_i - start);
    try {
        std::size_t used = 0;
        nlohmann::json n = isFloat ? nlohmann::json(std::stod(text, &used)) : nlohmann::json(std::stoll(text, &used));
        if (used != text.size())
            throw ReadError("bad number '" + text + "'");
        return n;
    } catch (const std::logic_error &) {
        throw ReadError("bad number '" + text + "'");
    }
}

std::string PythonReader::string()
{
    const char quote = m_t[m_i++];
    std::string out;
    while (m_i < m_t.size() && m_t[m_i] != quote) {
        char c = m_t[m_i++];
        if (c == '\\' && m_i < m_t.size()) {
            const char e = m_t[m_i++];
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '\\': case '\'': case '"': c = e; break;
            default: out += '\\'; c = e; break; // Python keeps unknown escapes as written
            }
        }
        out += c;
    }
    if (m_i >= m_t.size())
        throw ReadError("unterminated string");
    ++m_i;
    return out;
}

std::optional<FunctionCall> fromJson(nlohmann::json j, std::string &error)
{
    if (j.is_array() && j.size() == 1)
        j = j[0];
    if (!j.is_object()) {
        error = "expected a JSON object for the call";
        return std::nullopt;
    }
    FunctionCall call;
    if (j.contains("name")) {
        if (!j["name"].is_string()) {
            error = "'name' must be a string";
            return std::nullopt;
        }
        call.name = j["name"];
        nlohmann::json args = j.value("arguments", nlohmann::json::object());
        if (args.is_string()) {
            args = nlohmann::json::parse(args.get<std::string>(), nullptr, false);
            if (args.is_discarded()) {
                error = "'arguments' holds text that is not JSON";
                return std::nullopt;
            }
        }
        call.arguments = args;
    } else if (j.size() == 1) {
        call.name = j.begin().key();
        call.arguments = j.begin().value();
    } else {
        error = "a JSON call needs \"name\" and \"arguments\", or one key: the function name";
        return std::nullopt;
    }
    if (!call.arguments.is_object()) {
        error = "the arguments must be a JSON object";
        return std::nullopt;
    }
    return call;
}

} // namespace

std::optional<FunctionCall> parseFunctionCall(const std::string &text, std::string &error)
{
    const std::string body = withoutFence(text);
    if (body.empty()) {
        error = "no function call";
        return std::nullopt;
    }
    if (body[0] == '{' || (body[0] == '[' && trim(body.substr(1)).rfind('{', 0) == 0)) {
        const auto j = nlohmann::json::parse(body, nullptr, false);
        if (j.is_discarded()) {
            error = "invalid JSON";
            return std::nullopt;
        }
        return fromJson(j, error);
    }
    try {
        return PythonReader(body).call();
    } catch (const ReadError &e) {
        error = std::string("not a call: ") + e.what();
        return std::nullopt;
    }
}

} // namespace rlrf::tasks
