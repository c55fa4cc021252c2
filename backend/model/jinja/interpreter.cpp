#include "model/jinja/interpreter.h"

#include "core/error.h"
#include "model/jinja/eval_error.h"
#include "model/jinja/operators.h"

namespace rlrf::jinja {

namespace {

constexpr int kMaxCallDepth = 200;
// Chat templates loop over a conversation's messages and tools: a few thousand
// iterations. These bound what a hostile template can make a render do.
constexpr std::int64_t kMaxLoopIterations = 1000000; // all loops of one render together
constexpr std::size_t kMaxOutputBytes = std::size_t(1) << 24; // 16 MiB of rendered text

// Restores the scope stack when a macro or caller returns, also on errors.
class FramesGuard {
public:
    FramesGuard(std::vector<std::unordered_map<std::string, Value>> &frames,
                std::vector<std::unordered_map<std::string, Value>> replacement)
        : m_frames(frames), m_saved(std::move(frames))
    {
        m_frames = std::move(replacement);
    }
    ~FramesGuard() { m_frames = std::move(m_saved); }
    FramesGuard(const FramesGuard &) = delete;
    FramesGuard &operator=(const FramesGuard &) = delete;

    const std::vector<std::unordered_map<std::string, Value>> &saved() const { return m_saved; }

private:
    std::vector<std::unordered_map<std::string, Value>> &m_frames;
    std::vector<std::unordered_map<std::string, Value>> m_saved;
};

Value loopObject(const ValueList &items, size_t i)
{
    const auto n = std::int64_t(items.size());
    const auto index = std::int64_t(i);
    Value loop = Value::dict({
        {"index", Value::integer(index + 1)},
        {"index0", Value::integer(index)},
        {"revindex", Value::integer(n - index)},
        {"revindex0", Value::integer(n - index - 1)},
        {"first", Value::boolean(i == 0)},
        {"last", Value::boolean(index == n - 1)},
        {"length", Value::integer(n)},
        {"depth", Value::integer(1)},
        {"depth0", Value::integer(0)},
        {"previtem", i > 0 ? items[i - 1] : Value::undefined("there is no previous item")},
        {"nextitem", index + 1 < n ? items[i + 1] : Value::undefined("there is no next item")},
    });
    loop.dictRef().set("cycle", Value::function(
        [i](const CallArgs &args) {
            if (args.positional.empty())
                throw EvalError("no items for cycling given");
            return args.positional[i % args.positional.size()];
        },
        "loop.cycle"));
    return loop;
}

} // namespace

Interpreter::Interpreter(std::string sourceName, const NamedValues &context) : m_name(std::move(sourceName))
{
    m_frames.resize(2);
    for (auto &[name, value] : builtinGlobals())
        m_frames[0][name] = value;
    for (const auto &[name, value] : context)
        m_frames[1][name] = value;
}

std::string Interpreter::run(const NodeList &nodes)
{
    std::string out;
    execList(nodes, out);
    return out;
}

void Interpreter::fail(const std::string &message, int line) const
{
    throw Error("template error: " + message, {m_name, line, {}});
}

Value Interpreter::lookup(const std::string &name) const
{
    for (auto it = m_frames.rbegin(); it != m_frames.rend(); ++it) {
        const auto found = it->find(name);
        if (found != it->end())
            return found->second;
    }
    return Value::undefined("'" + name + "' is undefined");
}

Interpreter::Flow Interpreter::execList(const NodeList &nodes, std::string &out)
{
    for (const auto &node : nodes) {
        const Flow flow = exec(*node, out);
        if (flow != Flow::Normal)
            return flow;
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::exec(const Node &node, std::string &out)
{
    switch (node.kind) {
    case Node::Kind::Text: out += node.text; checkOutput(out, node.line); break;
    case Node::Kind::Output: out += eval(*node.expr).str(); checkOutput(out, node.line); break;
    case Node::Kind::If: return execList(eval(*node.expr).truthy() ? node.body : node.orElse, out);
    case Node::Kind::For: execFor(node, out); break;
    case Node::Kind::Set: execSet(node); break;
    case Node::Kind::SetBlock: {
        std::string captured;
        execList(node.body, captured);
        m_frames.back()[node.targets[0]] = Value::string(std::move(captured));
        break;
    }
    case Node::Kind::Macro: m_frames.back()[node.text] = makeMacro(node); break;
    case Node::Kind::CallBlock: {
        const Expr &call = *node.expr;
        Value callee = eval(*call.args[0]);
        if (!callee.isFunction())
            fail("'call' needs a macro, not " + callee.typeName(), node.line);
        CallArgs args = evalArguments(call, 1);
        args.named.emplace_back("caller", makeCaller(node));
        try {
            out += callee.fn()(args).str();
        } catch (const EvalError &e) {
            fail(e.what(), node.line);
        }
        break;
    }
    case Node::Kind::Break: return Flow::Break;
    case Node::Kind::Continue: return Flow::Continue;
    }
    return Flow::Normal;
}

void Interpreter::bindTargets(Frame &frame, const std::vector<std::string> &targets, const Value &value, int line)
{
    if (targets.size() == 1) {
        frame[targets[0]] = value;
        return;
    }
    if (!value.isList())
        fail("cannot unpack a " + value.typeName() + " into " + std::to_string(targets.size()) + " names", line);
    if (value.items().size() != targets.size())
        fail(std::string(value.items().size() > targets.size() ? "too many" : "not enough") + " values to unpack (expected "
                 + std::to_string(targets.size()) + ", got " + std::to_string(value.items().size()) + ")",
             line);
    for (size_t i = 0; i < targets.size(); ++i)
        frame[targets[i]] = value.items()[i];
}

void Interpreter::checkOutput(const std::string &out, int line) const
{
    if (out.size() > kMaxOutputBytes)
        fail("rendered text grew past " + std::to_string(kMaxOutputBytes >> 20) + " MiB", line);
}

void Interpreter::execFor(const Node &node, std::string &out)
{
    const Value iterable = eval(*node.expr);
    ValueList items;
    try {
        items = iterate(iterable);
    } catch (const EvalError &e) {
        fail(e.what(), node.expr->line);
    }
    m_frames.emplace_back();
    if (node.filter) { // `for x in xs if cond`: loop.* counts only the kept items
        ValueList kept;
        for (const auto &item : items) {
            bindTargets(m_frames.back(), node.targets, item, node.line);
            if (eval(*node.filter).truthy())
                kept.push_back(item);
        }
        items = std::move(kept);
    }
    for (size_t i = 0; i < items.size(); ++i) {
        if (++m_loopIterations > kMaxLoopIterations)
            fail("loops ran more than " + std::to_string(kMaxLoopIterations) + " iterations in one render", node.line);
        m_frames.back()["loop"] = loopObject(items, i);
        bindTargets(m_frames.back(), node.targets, items[i], node.line);
        if (execList(node.body, out) == Flow::Break)
            break;
    }
    m_frames.pop_back();
    if (items.empty())
        execList(node.orElse, out);
}

void Interpreter::execSet(const Node &node)
{
    Value value = eval(*node.expr);
    if (node.text.empty()) {
        bindTargets(m_frames.back(), node.targets, value, node.line);
        return;
    }
    const Value target = lookup(node.targets[0]);
    if (!target.isDict() || !target.dictRef().isNamespace)
        fail("cannot assign attribute '" + node.text + "' on '" + node.targets[0] + "', which is not a namespace()", node.line);
    try {
        checkInsert(target, value);
    } catch (const EvalError &e) {
        fail(e.what(), node.line);
    }
    target.dictRef().set(node.text, std::move(value));
}

Value Interpreter::makeMacro(const Node &node)
{
    const Node *macro = &node;
    return Value::function([this, macro](const CallArgs &args) { return callMacro(*macro, args); }, node.text);
}

Value Interpreter::callMacro(const Node &macro, const CallArgs &args)
{
    if (args.positional.size() > macro.targets.size())
        throw EvalError("macro '" + macro.text + "' takes " + std::to_string(macro.targets.size()) + " arguments, got "
                        + std::to_string(args.positional.size()));
    if (m_callDepth >= kMaxCallDepth)
        throw EvalError("macro calls nested too deeply (recursion?)");
    struct DepthGuard {
        int &depth;
        explicit DepthGuard(int &d) : depth(++d) {}
        ~DepthGuard() { --depth; }
    } depthGuard(m_callDepth);
    FramesGuard guard(m_frames, {m_frames[0], m_frames[1], Frame{}});
    for (size_t i = 0; i < macro.targets.size(); ++i) {
        const Value *given = args.get(i, macro.targets[i]);
        m_frames.back()[macro.targets[i]] = given ? *given
                                                  : macro.defaults[i] ? eval(*macro.defaults[i])
                                                                      : Value::undefined("'" + macro.targets[i] + "' is undefined");
    }
    if (const Value *caller = args.find("caller"))
        m_frames.back()["caller"] = *caller;
    std::string out;
    execList(macro.body, out);
    return Value::string(std::move(out));
}

Value Interpreter::makeCaller(const Node &callBlock)
{
    const Node *block = &callBlock;
    std::vector<Frame> scope = m_frames;
    return Value::function(
        [this, block, scope](const CallArgs &args) {
            FramesGuard guard(m_frames, scope);
            m_frames.emplace_back();
            for (size_t i = 0; i < block->targets.size(); ++i) {
                const Value *given = args.get(i, block->targets[i]);
                m_frames.back()[block->targets[i]] = given ? *given : block->defaults[i] ? eval(*block->defaults[i]) : Value::undefined();
            }
            std::string out;
            execList(block->body, out);
            return Value::string(std::move(out));
        },
        "caller");
}

} // namespace rlrf::jinja
