#include "model/jinja/lexer.h"

#include "core/error.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace rlrf::jinja {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Python Jinja2 turns \r\n and \r into \n and drops one trailing newline.
std::string normalizeNewlines(const std::string &source)
{
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out += '\n';
            if (i + 1 < source.size() && source[i + 1] == '\n')
                ++i;
        } else {
            out += source[i];
        }
    }
    if (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

void appendUtf8(std::string &out, unsigned long cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

// How the previous tag ended, which decides how the following text is trimmed.
enum class Close { Start, Expression, Block, Strip, Keep };

class Lexer {
public:
    Lexer(const std::string &source, const std::string &name) : m_src(normalizeNewlines(source)), m_name(name) {}

    std::vector<Token> run()
    {
        Close prev = Close::Start;
        while (m_pos <= m_src.size()) {
            size_t next = findTagStart(m_pos);
            std::string text = m_src.substr(m_pos, next == std::string::npos ? std::string::npos : next - m_pos);
            const int textLine = m_line;
            const bool lineStarting = trimLeft(text, prev);
            if (next == std::string::npos) {
                push(Token::Kind::Text, text, textLine);
                advanceTo(m_src.size());
                break;
            }
            advanceTo(next);
            const char kind = m_src[m_pos + 1];
            const char control = m_pos + 2 < m_src.size() ? m_src[m_pos + 2] : '\0';
            trimRight(text, kind, control, lineStarting);
            push(Token::Kind::Text, text, textLine);
            advanceTo(m_pos + 2 + ((control == '-' || control == '+') ? 1 : 0));
            if (kind == '#')
                prev = comment();
            else if (kind != '%' || !rawBlock(prev))
                prev = tag(kind == '%');
        }
        m_tokens.push_back({Token::Kind::End, {}, m_line});
        return std::move(m_tokens);
    }

private:
    [[noreturn]] void fail(const std::string &message) const { throw Error("template syntax error: " + message, {m_name, m_line, {}}); }

    size_t findTagStart(size_t from) const
    {
        for (size_t i = m_src.find('{', from); i != std::string::npos; i = m_src.find('{', i + 1)) {
            if (i + 1 < m_src.size() && (m_src[i + 1] == '{' || m_src[i + 1] == '%' || m_src[i + 1] == '#'))
                return i;
        }
        return std::string::npos;
    }

    void advanceTo(size_t pos)
    {
        m_line += int(std::count(m_src.begin() + long(m_pos), m_src.begin() + long(std::min(pos, m_src.size())), '\n'));
        m_pos = pos;
    }

    void push(Token::Kind kind, std::string text, int line)
    {
        if (kind == Token::Kind::Text && text.empty())
            return;
        m_tokens.push_back({kind, std::move(text), line});
    }

    // Applies the previous tag's right-side control; returns whether the text starts a line.
    static bool trimLeft(std::string &text, Close prev)
    {
        if (prev == Close::Start)
            return true;
        if (prev == Close::Strip) {
            size_t i = 0;
            while (i < text.size() && isSpace(text[i]))
                ++i;
            const bool endedWithNewline = i > 0 && text[i - 1] == '\n';
            text.erase(0, i);
            return endedWithNewline;
        }
        if (prev == Close::Block && !text.empty() && text[0] == '\n') { // trim_blocks
            text.erase(0, 1);
            return true;
        }
        return false;
    }

    // Applies the next tag's left-side control: `-` strips, lstrip_blocks for {% and {#.
    static void trimRight(std::string &text, char kind, char control, bool lineStarting)
    {
        if (control == '-') {
            while (!text.empty() && isSpace(text.back()))
                text.pop_back();
            return;
        }
        if (control == '+' || kind == '{')
            return;
        const size_t lineStart = text.rfind('\n') + 1; // npos + 1 == 0
        if (lineStart == 0 && !lineStarting)
            return;
        if (lineStart < text.size() && std::all_of(text.begin() + long(lineStart), text.end(), isSpace))
            text.erase(lineStart);
    }

    bool isWordChar(size_t i) const { return std::isalnum(static_cast<unsigned char>(at(i))) || at(i) == '_'; }

    size_t skipSpaces(size_t i) const
    {
        while (i < m_src.size() && isSpace(m_src[i]))
            ++i;
        return i;
    }

    // Matches `word [-|+]%}` at i (after the opener); returns the end and the control sign.
    bool closesWith(size_t i, const char *word, size_t &end, char &control) const
    {
        i = skipSpaces(i);
        const size_t n = std::strlen(word);
        if (m_src.compare(i, n, word) != 0 || isWordChar(i + n))
            return false;
        i = skipSpaces(i + n);
        control = at(i) == '-' || at(i) == '+' ? at(i) : '\0';
        i += control ? 1 : 0;
        if (at(i) != '%' || at(i + 1) != '}')
            return false;
        end = i + 2;
        return true;
    }

    // {% raw %}...{% endraw %}: the content is text, tags in it included.
    bool rawBlock(Close &prev)
    {
        size_t contentStart = 0;
        char control = '\0';
        if (!closesWith(m_pos, "raw", contentStart, control))
            return false;
        if (control == '-')
            contentStart = skipSpaces(contentStart);
        advanceTo(contentStart);
        for (size_t open = m_src.find("{%", m_pos); open != std::string::npos; open = m_src.find("{%", open + 2)) {
            const char endControl = at(open + 2) == '-' || at(open + 2) == '+' ? at(open + 2) : '\0';
            size_t end = 0;
            char closeControl = '\0';
            if (!closesWith(open + 2 + (endControl ? 1 : 0), "endraw", end, closeControl))
                continue;
            std::string text = m_src.substr(m_pos, open - m_pos);
            trimRight(text, '%', endControl, m_pos == 0 || m_src[m_pos - 1] == '\n');
            push(Token::Kind::Text, std::move(text), m_line);
            advanceTo(end);
            prev = closeControl == '-' ? Close::Strip : closeControl == '+' ? Close::Keep : Close::Block;
            return true;
        }
        fail("raw block is not closed with '{% endraw %}'");
    }

    Close comment()
    {
        const size_t end = m_src.find("#}", m_pos);
        if (end == std::string::npos)
            fail("comment is not closed with '#}'");
        const bool strip = end > m_pos && m_src[end - 1] == '-';
        advanceTo(end + 2);
        return strip ? Close::Strip : Close::Block;
    }

    Close tag(bool block)
    {
        m_tokens.push_back({block ? Token::Kind::BlockBegin : Token::Kind::VarBegin, {}, m_line});
        int depth = 0;
        while (true) {
            while (m_pos < m_src.size() && isSpace(m_src[m_pos]))
                advanceTo(m_pos + 1);
            if (m_pos >= m_src.size())
                fail(block ? "tag is not closed with '%}'" : "expression is not closed with '}}'");
            const char c = m_src[m_pos];
            const char end = block ? '%' : '}';
            const bool closesHere = depth == 0 || block;
            if (closesHere && c == end && at(m_pos + 1) == '}')
                return close(block, Close::Block, 2);
            if (closesHere && (c == '-' || c == '+') && at(m_pos + 1) == end && at(m_pos + 2) == '}')
                return close(block, c == '-' ? Close::Strip : Close::Keep, 3);
            if (c == '\'' || c == '"')
                stringLiteral(c);
            else if (std::isdigit(static_cast<unsigned char>(c)))
                number();
            else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_')
                name();
            else
                depth += op();
        }
    }

    char at(size_t i) const { return i < m_src.size() ? m_src[i] : '\0'; }

    Close close(bool block, Close how, size_t length)
    {
        m_tokens.push_back({block ? Token::Kind::BlockEnd : Token::Kind::VarEnd, {}, m_line});
        advanceTo(m_pos + length);
        if (!block && how == Close::Block)
            return Close::Expression; // trim_blocks does not apply to {{ }}
        if (!block && how == Close::Keep)
            return Close::Expression;
        return how;
    }

    void stringLiteral(char quote)
    {
        const int line = m_line;
        std::string value;
        size_t i = m_pos + 1;
        while (true) {
            if (i >= m_src.size())
                fail("string literal is not closed");
            const char c = m_src[i];
            if (c == quote)
                break;
            if (c != '\\' || i + 1 >= m_src.size()) {
                value += c;
                ++i;
                continue;
            }
            i += escape(i + 1, value);
        }
        advanceTo(i + 1);
        m_tokens.push_back({Token::Kind::String, std::move(value), line});
    }

    // Python string-literal escapes; returns how many source characters were used.
    size_t escape(size_t i, std::string &out) const
    {
        const char e = m_src[i];
        static const char *simple = "nrtbfva\\'\"0";
        static const char *meaning = "\n\r\t\b\f\v\a\\'\"\0";
        if (const char *p = std::strchr(simple, e); p && e != '\0') {
            out += meaning[p - simple];
            return 2;
        }
        if (e == '\n')
            return 2; // line continuation
        const size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
        if (digits == 0) {
            out += '\\'; // unknown escapes keep the backslash, as in Python
            out += e;
            return 2;
        }
        const std::string hex = m_src.substr(i + 1, digits);
        if (hex.size() != digits || !std::all_of(hex.begin(), hex.end(), [](char h) { return std::isxdigit(static_cast<unsigned char>(h)); }))
            fail(std::string("invalid \\") + e + " escape in a string literal");
        appendUtf8(out, std::stoul(hex, nullptr, 16));
        return 2 + digits;
    }

    void number()
    {
        size_t i = m_pos;
        bool isFloat = false;
        auto digits = [&] {
            while (i < m_src.size() && (std::isdigit(static_cast<unsigned char>(m_src[i])) || m_src[i] == '_'))
                ++i;
        };
        digits();
        if (at(i) == '.' && std::isdigit(static_cast<unsigned char>(at(i + 1)))) {
            isFloat = true;
            ++i;
            digits();
        }
        if ((at(i) == 'e' || at(i) == 'E') && (std::isdigit(static_cast<unsigned char>(at(i + 1))) || ((at(i + 1) == '+' || at(i + 1) == '-') && std::isdigit(static_cast<unsigned char>(at(i + 2)))))) {
            isFloat = true;
            i += 2;
            digits();
        }
        std::string text = m_src.substr(m_pos, i - m_pos);
        text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
        m_tokens.push_back({isFloat ? Token::Kind::Float : Token::Kind::Integer, text, m_line});
        advanceTo(i);
    }

    void name()
    {
        size_t i = m_pos;
        while (i < m_src.size() && (std::isalnum(static_cast<unsigned char>(m_src[i])) || m_src[i] == '_'))
            ++i;
        m_tokens.push_back({Token::Kind::Name, m_src.substr(m_pos, i - m_pos), m_line});
        advanceTo(i);
    }

    // Returns the change in curly-brace depth.
    int op()
    {
        static const char *twoChar[] = {"//", "**", "==", "!=", "<=", ">="};
        for (const char *o : twoChar) {
            if (m_src.compare(m_pos, 2, o) == 0) {
                m_tokens.push_back({Token::Kind::Operator, o, m_line});
                advanceTo(m_pos + 2);
                return 0;
            }
        }
        const char c = m_src[m_pos];
        if (!std::strchr("+-*/%~<>=()[]{},.:|", c))
            fail(std::string("unexpected character '") + c + "'");
        m_tokens.push_back({Token::Kind::Operator, std::string(1, c), m_line});
        advanceTo(m_pos + 1);
        return c == '{' ? 1 : c == '}' ? -1 : 0;
    }

    std::string m_src;
    std::string m_name;
    size_t m_pos = 0;
    int m_line = 1;
    std::vector<Token> m_tokens;
};

} // namespace

std::vector<Token> tokenize(const std::string &source, const std::string &sourceName)
{
    return Lexer(source, sourceName).run();
}

} // namespace rlrf::jinja
