// Runs a parsed template: statements write to the output, expressions evaluate to
// Values. Scoping follows Jinja2: a for loop (and a macro call) opens a scope whose
// `set`s vanish at its end; if-blocks do not. Errors become rlrf::Error naming the
// template source and the line of the failing expression.
#pragma once

#include <cstdint>

#include "model/jinja/ast.h"
#include "model/jinja/value.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace rlrf::jinja {

class Interpreter {
public:
    Interpreter(std::string sourceName, const NamedValues &context);

    std::string run(const NodeList &nodes);

private:
    enum class Flow { Normal, Break, Continue };
    using Frame = std::unordered_map<std::string, Value>;

    Flow execList(const NodeList &nodes, std::string &out);
    Flow exec(const Node &node, std::string &out);
    void execFor(const Node &node, std::string &out);
    void execSet(const Node &node);
    Value makeMacro(const Node &node);
    Value callMacro(const Node &macro, const CallArgs &args);
    Value makeCaller(const Node &callBlock);

    Value eval(const Expr &e);
    Value evalInner(const Expr &e);
    Value evalCall(const Expr &e);
    CallArgs evalArguments(const Expr &e, size_t first);
    void bindTargets(Frame &frame, const std::vector<std::string> &targets, const Value &value, int line);

    Value lookup(const std::string &name) const;
    [[noreturn]] void fail(const std::string &message, int line) const;
    void checkOutput(const std::string &out, int line) const;

    std::string m_name;
    std::vector<Frame> m_frames; // [0] globals, [1] context and top-level sets, then scopes
    int m_callDepth = 0;
    std::int64_t m_loopIterations = 0; // of this render, all loops together
};

// The functions every template can call: range, namespace, dict, raise_exception,
// strftime_now.
NamedValues builtinGlobals();

} // namespace rlrf::jinja
