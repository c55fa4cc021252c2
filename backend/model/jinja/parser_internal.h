// The parser's state and grammar, shared by parser.cpp (statements) and
// parse_expression.cpp (expressions). Internal to the interpreter.
#pragma once

#include "core/error.h"
#include "model/jinja/ast.h"
#include "model/jinja/lexer.h"

#include <initializer_list>
#include <set>
#include <string>
#include <vector>

namespace rlrf::jinja::detail {

using K = Token::Kind;

ExprPtr makeExpr(Expr::Kind kind, int line, std::string name = {});
ExprPtr binary(std::string op, ExprPtr left, ExprPtr right);

class Parser {
public:
    Parser(const std::vector<Token> &tokens, const std::string &name) : m_tokens(tokens), m_name(name) {}

    NodeList parseTemplate();

private:
    // ---- token access --------------------------------------------------------------
    const Token &peek(size_t ahead = 0) const { return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)]; }
    const Token &next() { return m_tokens[std::min(m_pos++, m_tokens.size() - 1)]; }
    bool isOp(const char *op, size_t ahead = 0) const { return peek(ahead).kind == K::Operator && peek(ahead).text == op; }
    bool isName(const char *name, size_t ahead = 0) const { return peek(ahead).kind == K::Name && peek(ahead).text == name; }
    bool acceptOp(const char *op) { return isOp(op) && (++m_pos, true); }
    bool acceptName(const char *name) { return isName(name) && (++m_pos, true); }

    [[noreturn]] void fail(const std::string &message, int line = 0) const
    {
        throw Error("template syntax error: " + message, {m_name, line ? line : peek().line, {}});
    }

    std::string describe(const Token &t) const
    {
        switch (t.kind) {
        case K::End: return "end of template";
        case K::BlockEnd: return "'%}'";
        case K::VarEnd: return "'}}'";
        case K::Text: return "text";
        case K::String: return "string '" + t.text + "'";
        default: return "'" + t.text + "'";
        }
    }

    void expectOp(const char *op)
    {
        if (!acceptOp(op))
            fail(std::string("expected '") + op + "', found " + describe(peek()));
    }
    void expect(K kind, const char *what)
    {
        if (peek().kind != kind)
            fail(std::string("expected ") + what + ", found " + describe(peek()));
        ++m_pos;
    }
    std::string expectName()
    {
        if (peek().kind != K::Name)
            fail("expected a name, found " + describe(peek()));
        return next().text;
    }


    // ---- statements (parser.cpp) ---------------------------------------------------
    // Parses until `{% <one of endTags>`; consumes that tag's name and returns it in endTag.
    NodeList parseBody(const std::set<std::string> &endTags, std::string &endTag);
    NodePtr newNode(Node::Kind kind, int line);
    NodePtr parseStatement();
    NodePtr parseIf(int line);
    NodePtr parseFor(int line);
    NodePtr parseSet(int line);
    void parseParameters(Node &n);
    NodePtr parseMacro(int line);
    NodePtr parseCallBlock(int line);
    NodePtr parseGeneration(int line);

    // ---- expressions (parse_expression.cpp), loosest binding first ------------------
    // `a, b` without brackets is a tuple where Jinja allows it ({{ }} and set).
    ExprPtr parseTupleOrExpression();
    ExprPtr parseExpression();
    ExprPtr parseOr();
    ExprPtr parseAnd();
    ExprPtr parseNot();
    ExprPtr parseCompare();
    ExprPtr parseBinaryLevel(std::initializer_list<const char *> ops, ExprPtr (Parser::*nextLevel)());
    ExprPtr parseMath1() { return parseBinaryLevel({"+", "-"}, &Parser::parseConcat); }
    ExprPtr parseConcat() { return parseBinaryLevel({"~"}, &Parser::parseMath2); }
    ExprPtr parseMath2() { return parseBinaryLevel({"*", "/", "//", "%"}, &Parser::parsePow); }
    ExprPtr parsePow() { return parseBinaryLevel({"**"}, &Parser::parseUnaryWithFilters); }
    ExprPtr parseUnaryWithFilters() { return parseUnary(true); }
    ExprPtr parseUnary(bool withFilters);
    ExprPtr parsePrimary();
    ExprPtr parseBracketed(const Token &open);
    ExprPtr parsePostfix(ExprPtr node);
    ExprPtr parseFilters(ExprPtr node);
    ExprPtr parseSubscript(ExprPtr node);
    void parseCallArguments(Expr &call);

    // Bounds recursion so that "((((..." or thousands of nested ifs fail cleanly
    // instead of overflowing the stack.
    static constexpr int kMaxDepth = 512;
    struct DepthGuard {
        Parser &parser;
        explicit DepthGuard(Parser &p) : parser(p)
        {
            if (++parser.m_depth > kMaxDepth)
                parser.fail("template nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
        }
        ~DepthGuard() { --parser.m_depth; }
    };
    // Left-deep chains (a + b + c, x.y.z, s|f|g) deepen the tree one level a link.
    struct SpineGuard {
        Parser &parser;
        int added = 0;
        explicit SpineGuard(Parser &p) : parser(p) {}
        void deeper()
        {
            ++added;
            if (++parser.m_depth > kMaxDepth)
                parser.fail("expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
        }
        ~SpineGuard() { parser.m_depth -= added; }
    };

    const std::vector<Token> &m_tokens;
    std::string m_name;
    size_t m_pos = 0;
    int m_depth = 0;
};

} // namespace rlrf::jinja::detail
