// Statements: text, {{ }} and the {% %} tags, each parsed into a Node.
#include "model/jinja/parser.h"

#include "model/jinja/parser_internal.h"

namespace rlrf::jinja {

namespace detail {

NodeList Parser::parseTemplate()
{
    std::string endTag;
    NodeList body = parseBody({}, endTag);
    if (!endTag.empty())
        fail("unexpected '" + endTag + "'");
    return body;
}

NodeList Parser::parseBody(const std::set<std::string> &endTags, std::string &endTag)
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

NodePtr Parser::newNode(Node::Kind kind, int line)
{
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->line = line;
    return n;
}

NodePtr Parser::parseStatement()
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

NodePtr Parser::parseIf(int line)
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

NodePtr Parser::parseFor(int line)
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

NodePtr Parser::parseSet(int line)
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

void Parser::parseParameters(Node &n)
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

NodePtr Parser::parseMacro(int line)
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

NodePtr Parser::parseCallBlock(int line)
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

NodePtr Parser::parseGeneration(int line)
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

} // namespace detail

NodeList parse(const std::vector<Token> &tokens, const std::string &sourceName)
{
    return detail::Parser(tokens, sourceName).parseTemplate();
}

} // namespace rlrf::jinja
