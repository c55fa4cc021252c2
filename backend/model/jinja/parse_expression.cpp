// Expressions, from the loosest binding (ternary) to the tightest (primary, then
// postfix access and filters), as in Jinja2's parser.
#include "model/jinja/filters.h"
#include "model/jinja/parser_internal.h"

namespace rlrf::jinja::detail {

ExprPtr makeExpr(Expr::Kind kind, int line, std::string name)
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

ExprPtr Parser::parseTupleOrExpression()
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

ExprPtr Parser::parseExpression()
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

ExprPtr Parser::parseOr()
{
    ExprPtr left = parseAnd();
    SpineGuard spine(*this);
    while (acceptName("or") && (spine.deeper(), true))
        left = binary("or", std::move(left), parseAnd());
    return left;
}

ExprPtr Parser::parseAnd()
{
    ExprPtr left = parseNot();
    SpineGuard spine(*this);
    while (acceptName("and") && (spine.deeper(), true))
        left = binary("and", std::move(left), parseNot());
    return left;
}

ExprPtr Parser::parseNot()
{
    if (isName("not")) {
        auto e = makeExpr(Expr::Kind::Unary, next().line, "not");
        e->args.push_back(parseNot());
        return e;
    }
    return parseCompare();
}

ExprPtr Parser::parseCompare()
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

ExprPtr Parser::parseUnary(bool withFilters)
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

ExprPtr Parser::parseBinaryLevel(std::initializer_list<const char *> ops, ExprPtr (Parser::*nextLevel)())
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
    case K::Float:
        try {
            return literal(t.kind == K::Integer ? Value::integer(std::stoll(t.text)) : Value::floating(std::stod(t.text)));
        } catch (const std::out_of_range &) {
            fail("number literal out of range", t.line);
        }
    case K::Operator: return parseBracketed(t);
    default: fail("unexpected " + describe(t), t.line);
    }
}

// ( expression ), ( tuple, ), [ list ], { key: value }
ExprPtr Parser::parseBracketed(const Token &t)
{
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
    if (t.text != "[" && t.text != "{")
        fail("unexpected " + describe(t), t.line);
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

ExprPtr Parser::parsePostfix(ExprPtr node)
{
    SpineGuard spine(*this);
    for (;; spine.deeper()) {
        if (isOp(".")) {
            const int line = next().line;
            if (peek().kind == K::Integer) { // tuple.0
                auto index = makeExpr(Expr::Kind::Literal, line);
                const Token &digits = next();
                try {
                    index->value = Value::integer(std::stoll(digits.text));
                } catch (const std::out_of_range &) {
                    fail("number literal out of range", digits.line);
                }
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

} // namespace rlrf::jinja::detail
