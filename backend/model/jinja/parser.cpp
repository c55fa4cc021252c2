#include "model/jinja/parser.h"

#include "core/error.h"
#include "model/jinja/filters.h"

#include <set>

namespace rlrf::jinja {

namespace {

using K = Token::Kind;

ExprPtr makeExpr(Expr::Kind kind, int line, std::string name = {})
{
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->line = line;
    e->name = std::move(name);
    return e;
}

ExprPtr binary(std::string op, ExprPtr left, ExprPtr right)
{
    auto e = makeExpr(Expr::Kind::Binary, left->line, std::move(op));
    e->args.push_back(std::move(left));
    e->args.push_back(std::move(right));
    return e;
}

class Parser {
public:
    Parser(const std::vector<Token> &tokens, const std::string &name) : m_tokens(tokens), m_name(name) {}

    NodeList parseTemplate()
    {
        std::string endTag;
        NodeList body = parseBody({}, endTag);
        if (!endTag.empty())
            fail("unexpected '" + endTag + "'");
        return body;
    }

private:
    // ---- token helpers ------------------------------------------------------------
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

    // ---- statements ---------------------------------------------------------------
    // Parses until `{% <one of endTags>`; consumes that tag's name and returns it in endTag.
    NodeList parseBody(const std::set<std::string> &endTags, std::string &endTag)
    {
        NodeList body;
        while (true) {
            const Token &t = peek();
            if (t.kind == K::End) {
                if (!endTags.empty())
                    fail("missing '{% " + *endTags.rbegin() + " %}' before the end of the template");
                return body;
            }
            if (t.kind == K::Text) {
                auto n = std::make_unique<Node>();
                n->kind = Node::Kind::Text;
                n->line = t.line;
                n->text = t.text;
                body.push_back(std::move(n));
                ++m_pos;
            } else if (t.kind == K::VarBegin) {
                ++m_pos;
                auto n = std::make_unique<Node>();
                n->kind = Node::Kind::Output;
                n->line = t.line;
                n->expr = parseTupleOrExpression();
                expect(K::VarEnd, "'}}'");
                body.push_back(std::move(n));
            } else if (t.kind == K::BlockBegin) {
                ++m_pos;
                const Token &word = peek();
                if (word.kind == K::Name && endTags.count(word.text)) {
                    endTag = next().text;
                    return body;
                }
                body.push_back(parseStatement());
            } else {
                fail("unexpected " + describe(t));
            }
        }
    }

    NodePtr newNode(Node::Kind kind, int line)
    {
        auto n = std::make_unique<Node>();
        n->kind = kind;
        n->line = line;
        return n;
    }

    NodePtr parseStatement()
    {
        DepthGuard guard(*this);
        const Token &word = peek();
        if (word.kind != K::Name)
            fail("expected a statement name, found " + describe(word));
        const std::string w = next().text;
        if (w == "if" || w == "elif")
            return parseIf(word.line);
        if (w == "for")
            return parseFor(word.line);
        if (w == "set")
            return parseSet(word.line);
        if (w == "macro")
            return parseMacro(word.line);
        if (w == "call")
            return parseCallBlock(word.line);
        if (w == "break" || w == "continue") {
            expect(K::BlockEnd, "'%}'");
            return newNode(w == "break" ? Node::Kind::Break : Node::Kind::Continue, word.line);
        }
        if (w == "generation") // transformers' assistant-mask marker: renders its body as is
            return parseGeneration(word.line);
        fail("unknown or unsupported tag '" + w + "'", word.line);
    }

    NodePtr parseIf(int line)
    {
        DepthGuard guard(*this); // elif chains recurse here
        auto n = newNode(Node::Kind::If, line);
        n->expr = parseExpression();
        expect(K::BlockEnd, "'%}'");
        std::string endTag;
        n->body = parseBody({"elif", "else", "endif"}, endTag);
        if (endTag == "elif") {
            n->orElse.push_back(parseIf(peek().line));
            return n;
        }
        if (endTag == "else") {
            expect(K::BlockEnd, "'%}'");
            n->orElse = parseBody({"endif"}, endTag);
        }
        expect(K::BlockEnd, "'%}'");
        return n;
    }

    NodePtr parseFor(int line)
    {
        auto n = newNode(Node::Kind::For, line);
        const bool paren = acceptOp("(");
        do {
            n->targets.push_back(expectName());
        } while (acceptOp(","));
        if (paren)
            expectOp(")");
        if (!acceptName("in"))
            fail("expected 'in' in the for loop");
        n->expr = parseOr();
        if (acceptName("if"))
            n->filter = parseOr();
        if (isName("recursive"))
            fail("recursive for loops are not supported");
        expect(K::BlockEnd, "'%}'");
        std::string endTag;
        n->body = parseBody({"else", "endfor"}, endTag);
        if (endTag == "else") {
            expect(K::BlockEnd, "'%}'");
            n->orElse = parseBody({"endfor"}, endTag);
        }
        expect(K::BlockEnd, "'%}'");
        return n;
    }

    NodePtr parseSet(int line)
    {
        auto n = newNode(Node::Kind::Set, line);
        n->targets.push_back(expectName());
        if (acceptOp(".")) {
            n->text = expectName(); // namespace attribute
        } else {
            while (acceptOp(","))
                n->targets.push_back(expectName());
        }
        if (acceptOp("=")) {
            n->expr = parseTupleOrExpression();
            expect(K::BlockEnd, "'%}'");
            return n;
        }
        if (n->targets.size() != 1 || !n->text.empty())
            fail("a block set assigns one plain name");
        expect(K::BlockEnd, "'%}'");
        n->kind = Node::Kind::SetBlock;
        std::string endTag;
        n->body = parseBody({"endset"}, endTag);
        expect(K::BlockEnd, "'%}'");
        return n;
    }

    void parseParameters(Node &n)
    {
        expectOp("(");
        while (!isOp(")")) {
            n.targets.push_back(expectName());
            n.defaults.push_back(acceptOp("=") ? parseExpression() : nullptr);
            if (!acceptOp(","))
                break;
        }
        expectOp(")");
    }

    NodePtr parseMacro(int line)
    {
        auto n = newNode(Node::Kind::Macro, line);
        n->text = expectName();
        parseParameters(*n);
        expect(K::BlockEnd, "'%}'");
        std::string endTag;
        n->body = parseBody({"endmacro"}, endTag);
        expect(K::BlockEnd, "'%}'");
        return n;
    }

    NodePtr parseCallBlock(int line)
    {
        auto n = newNode(Node::Kind::CallBlock, line);
        if (isOp("("))
            parseParameters(*n);
        n->expr = parseExpression();
        if (n->expr->kind != Expr::Kind::Call)
            fail("'call' needs a macro call", line);
        expect(K::BlockEnd, "'%}'");
        std::string endTag;
        n->body = parseBody({"endcall"}, endTag);
        expect(K::BlockEnd, "'%}'");
        return n;
    }

    NodePtr parseGeneration(int line)
    {
        auto n = newNode(Node::Kind::If, line);
        n->expr = makeExpr(Expr::Kind::Literal, line);
        n->expr->value = Value::boolean(true);
        expect(K::BlockEnd, "'%}'");
        std::string endTag;
        n->body = parseBody({"endgeneration"}, endTag);
        expect(K::BlockEnd, "'%}'");
        return n;
    }

    // ---- expressions --------------------------------------------------------------
    // `a, b` without brackets is a tuple where Jinja allows it ({{ }} and set).
    ExprPtr parseTupleOrExpression()
    {
        ExprPtr first = parseExpression();
        if (!isOp(","))
            return first;
        auto tuple = makeExpr(Expr::Kind::Tuple, first->line);
        tuple->args.push_back(std::move(first));
        while (acceptOp(",") && peek().kind != K::BlockEnd && peek().kind != K::VarEnd)
            tuple->args.push_back(parseExpression());
        return tuple;
    }

    ExprPtr parseExpression()
    {
        ExprPtr value = parseOr();
        if (!isName("if"))
            return value;
        const int line = next().line;
        auto e = makeExpr(Expr::Kind::Ternary, line);
        e->args.push_back(parseOr());
        e->args.push_back(std::move(value));
        e->args.push_back(acceptName("else") ? parseExpression() : nullptr);
        return e;
    }

    ExprPtr parseOr()
    {
        ExprPtr left = parseAnd();
        SpineGuard spine(*this);
        while (acceptName("or") && (spine.deeper(), true))
            left = binary("or", std::move(left), parseAnd());
        return left;
    }

    ExprPtr parseAnd()
    {
        ExprPtr left = parseNot();
        SpineGuard spine(*this);
        while (acceptName("and") && (spine.deeper(), true))
            left = binary("and", std::move(left), parseNot());
        return left;
    }

    ExprPtr parseNot()
    {
        if (isName("not")) {
            auto e = makeExpr(Expr::Kind::Unary, next().line, "not");
            e->args.push_back(parseNot());
            return e;
        }
        return parseCompare();
    }

    ExprPtr parseCompare()
    {
        ExprPtr left = parseMath1();
        SpineGuard spine(*this);
        static const char *ops[] = {"==", "!=", "<", "<=", ">", ">="};
        while (true) {
            std::string op;
            for (const char *o : ops)
                if (isOp(o))
                    op = o;
            if (!op.empty())
                ++m_pos;
            else if (acceptName("in"))
                op = "in";
            else if (isName("not") && isName("in", 1))
                m_pos += 2, op = "not in";
            else
                return left;
            spine.deeper();
            left = binary(op, std::move(left), parseMath1());
        }
    }

    template <typename Next>
    ExprPtr parseBinaryLevel(std::initializer_list<const char *> ops, Next nextLevel)
    {
        ExprPtr left = (this->*nextLevel)();
        SpineGuard spine(*this);
        while (true) {
            const char *found = nullptr;
            for (const char *o : ops)
                if (isOp(o))
                    found = o;
            if (!found)
                return left;
            ++m_pos;
            spine.deeper();
            left = binary(found, std::move(left), (this->*nextLevel)());
        }
    }

    ExprPtr parseMath1() { return parseBinaryLevel({"+", "-"}, &Parser::parseConcat); }
    ExprPtr parseConcat() { return parseBinaryLevel({"~"}, &Parser::parseMath2); }
    ExprPtr parseMath2() { return parseBinaryLevel({"*", "/", "//", "%"}, &Parser::parsePow); }
    ExprPtr parsePow() { return parseBinaryLevel({"**"}, &Parser::parseUnaryWithFilters); }
    ExprPtr parseUnaryWithFilters() { return parseUnary(true); }

    // Bounds recursion so that "((((..." or thousands of nested ifs fail cleanly
    // instead of overflowing the stack.
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
    static constexpr int kMaxDepth = 512;

    ExprPtr parseUnary(bool withFilters)
    {
        DepthGuard guard(*this);
        ExprPtr node;
        if (isOp("-") || isOp("+")) {
            const Token &t = next();
            node = makeExpr(Expr::Kind::Unary, t.line, t.text);
            node->args.push_back(parseUnary(false));
        } else {
            node = parsePostfix(parsePrimary());
        }
        return withFilters ? parseFilters(std::move(node)) : std::move(node);
    }

    ExprPtr parsePrimary();
    ExprPtr parsePostfix(ExprPtr node);
    ExprPtr parseFilters(ExprPtr node);
    ExprPtr parseSubscript(ExprPtr node);
    void parseCallArguments(Expr &call);

    const std::vector<Token> &m_tokens;
    std::string m_name;
    size_t m_pos = 0;
    int m_depth = 0;
};

ExprPtr Parser::parsePrimary()
{
    const Token &t = next();
    auto literal = [&](Value v) {
        auto e = makeExpr(Expr::Kind::Literal, t.line);
        e->value = std::move(v);
        return e;
    };
    switch (t.kind) {
    case K::Name:
        if (t.text == "true" || t.text == "True")
            return literal(Value::boolean(true));
        if (t.text == "false" || t.text == "False")
            return literal(Value::boolean(false));
        if (t.text == "none" || t.text == "None")
            return literal(Value::none());
        return makeExpr(Expr::Kind::Name, t.line, t.text);
    case K::String: {
        std::string s = t.text;
        while (peek().kind == K::String) // adjacent literals concatenate
            s += next().text;
        return literal(Value::string(std::move(s)));
    }
    case K::Integer:
        try {
            return literal(Value::integer(std::stoll(t.text)));
        } catch (const std::out_of_range &) {
            fail("integer literal out of range", t.line);
        }
    case K::Float: return literal(Value::floating(std::stod(t.text)));
    case K::Operator: break;
    default: fail("unexpected " + describe(t), t.line);
    }
    if (t.text == "(") {
        auto tuple = makeExpr(Expr::Kind::Tuple, t.line);
        if (acceptOp(")"))
            return tuple;
        ExprPtr first = parseExpression();
        if (acceptOp(")"))
            return first;
        tuple->args.push_back(std::move(first));
        while (acceptOp(",") && !isOp(")"))
            tuple->args.push_back(parseExpression());
        expectOp(")");
        return tuple;
    }
    if (t.text == "[" || t.text == "{") {
        const bool isList = t.text == "[";
        auto e = makeExpr(isList ? Expr::Kind::List : Expr::Kind::Dict, t.line);
        const char *close = isList ? "]" : "}";
        while (!isOp(close)) {
            e->args.push_back(parseExpression());
            if (!isList) {
                expectOp(":");
                e->args.push_back(parseExpression());
            }
            if (!acceptOp(","))
                break;
        }
        expectOp(close);
        return e;
    }
    fail("unexpected " + describe(t), t.line);
}

ExprPtr Parser::parsePostfix(ExprPtr node)
{
    SpineGuard spine(*this);
    for (;; spine.deeper()) {
        if (isOp(".")) {
            const int line = next().line;
            if (peek().kind == K::Integer) { // tuple.0
                auto index = makeExpr(Expr::Kind::Literal, line);
                index->value = Value::integer(std::stoll(next().text));
                auto e = makeExpr(Expr::Kind::Item, line);
                e->args.push_back(std::move(node));
                e->args.push_back(std::move(index));
                node = std::move(e);
                continue;
            }
            auto e = makeExpr(Expr::Kind::Attr, line, expectName());
            e->args.push_back(std::move(node));
            node = std::move(e);
        } else if (isOp("[")) {
            node = parseSubscript(std::move(node));
        } else if (isOp("(")) {
            auto call = makeExpr(Expr::Kind::Call, peek().line);
            call->args.push_back(std::move(node));
            parseCallArguments(*call);
            node = std::move(call);
        } else {
            return node;
        }
    }
}

ExprPtr Parser::parseSubscript(ExprPtr node)
{
    const int line = next().line; // [
    ExprPtr start = isOp(":") ? nullptr : parseExpression();
    if (acceptOp("]")) {
        auto e = makeExpr(Expr::Kind::Item, line);
        e->args.push_back(std::move(node));
        e->args.push_back(std::move(start));
        return e;
    }
    expectOp(":");
    auto e = makeExpr(Expr::Kind::Slice, line);
    e->args.push_back(std::move(node));
    e->args.push_back(std::move(start));
    e->args.push_back(isOp(":") || isOp("]") ? nullptr : parseExpression());
    e->args.push_back(acceptOp(":") && !isOp("]") ? parseExpression() : nullptr);
    expectOp("]");
    return e;
}

void Parser::parseCallArguments(Expr &call)
{
    expectOp("(");
    while (!isOp(")")) {
        if (peek().kind == K::Name && isOp("=", 1)) {
            std::string key = next().text;
            ++m_pos;
            call.kwargs.emplace_back(std::move(key), parseExpression());
        } else {
            if (!call.kwargs.empty())
                fail("positional argument after a keyword argument");
            call.args.push_back(parseExpression());
        }
        if (!acceptOp(","))
            break;
    }
    expectOp(")");
}

ExprPtr Parser::parseFilters(ExprPtr node)
{
    SpineGuard spine(*this);
    for (;; spine.deeper()) {
        if (isOp("|")) {
            const int line = next().line;
            const std::string name = expectName();
            if (!hasFilter(name))
                fail("unknown filter '" + name + "'", line);
            auto f = makeExpr(Expr::Kind::Filter, line, name);
            f->args.push_back(std::move(node));
            if (isOp("("))
                parseCallArguments(*f);
            node = std::move(f);
        } else if (isName("is")) {
            const int line = next().line;
            const bool negated = acceptName("not");
            std::string name = expectName();
            if (!hasTest(name))
                fail("unknown test '" + name + "'", line);
            auto t = makeExpr(Expr::Kind::Test, line, name);
            t->negated = negated;
            t->args.push_back(std::move(node));
            static const std::set<std::string> stops = {"else", "or", "and", "if", "in", "not", "is"};
            const Token &p = peek();
            if (isOp("(")) {
                parseCallArguments(*t);
            } else if ((p.kind == K::Name && !stops.count(p.text)) || p.kind == K::String || p.kind == K::Integer
                       || p.kind == K::Float || isOp("[") || isOp("{")) {
                t->args.push_back(parsePostfix(parsePrimary())); // `is sameas false`, `is equalto 3`
            }
            node = std::move(t);
        } else if (isOp("(")) {
            auto call = makeExpr(Expr::Kind::Call, peek().line);
            call->args.push_back(std::move(node));
            parseCallArguments(*call);
            node = std::move(call);
        } else {
            return node;
        }
    }
}

} // namespace

NodeList parse(const std::vector<Token> &tokens, const std::string &sourceName)
{
    return Parser(tokens, sourceName).parseTemplate();
}

} // namespace rlrf::jinja
