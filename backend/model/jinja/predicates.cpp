// Jinja2's tests (`x is defined`, `x is string`, ...), following jinja2/tests.py.
#include "model/jinja/eval_error.h"
#include "model/jinja/filters.h"
#include "model/jinja/operators.h"

#include <functional>
#include <map>

namespace rlrf::jinja {

namespace {

using TestFn = std::function<bool(const Value &, const CallArgs &)>;

const Value &argument(const CallArgs &args, const std::string &test)
{
    if (args.positional.empty())
        throw EvalError("test '" + test + "' needs an argument");
    return args.positional[0];
}

TestFn compareWith(const char *op)
{
    return [op](const Value &v, const CallArgs &a) { return binaryOp(op, v, argument(a, op)).asBool(); };
}

bool sameAs(const Value &a, const Value &b)
{
    if (a.kind() != b.kind())
        return false;
    switch (a.kind()) {
    case Value::Kind::List: return &a.listRef() == &b.listRef();
    case Value::Kind::Dict: return &a.dictRef() == &b.dictRef();
    default: return equals(a, b);
    }
}

bool isCase(const Value &v, bool upper)
{
    if (!v.isString())
        return false;
    for (const char c : v.asString())
        if ((upper && c >= 'a' && c <= 'z') || (!upper && c >= 'A' && c <= 'Z'))
            return false;
    return true;
}

const std::map<std::string, TestFn> &testTable()
{
    static const std::map<std::string, TestFn> table = {
        {"defined", [](const Value &v, const CallArgs &) { return !v.isUndefined(); }},
        {"undefined", [](const Value &v, const CallArgs &) { return v.isUndefined(); }},
        {"none", [](const Value &v, const CallArgs &) { return v.isNone(); }},
        {"boolean", [](const Value &v, const CallArgs &) { return v.isBool(); }},
        {"true", [](const Value &v, const CallArgs &) { return v.isBool() && v.asBool(); }},
        {"false", [](const Value &v, const CallArgs &) { return v.isBool() && !v.asBool(); }},
        {"string", [](const Value &v, const CallArgs &) { return v.isString(); }},
        {"number", [](const Value &v, const CallArgs &) { return v.isNumber() || v.isBool(); }},
        {"integer", [](const Value &v, const CallArgs &) { return v.isInt(); }},
        {"float", [](const Value &v, const CallArgs &) { return v.isFloat(); }},
        {"mapping", [](const Value &v, const CallArgs &) { return v.isDict() && !v.dictRef().isNamespace; }},
        {"iterable", [](const Value &v, const CallArgs &) { return v.isList() || v.isDict() || v.isString() || v.isUndefined(); }},
        {"sequence", [](const Value &v, const CallArgs &) { return v.isList() || v.isDict() || v.isString() || v.isUndefined(); }},
        {"callable", [](const Value &v, const CallArgs &) { return v.isFunction(); }},
        {"odd", [](const Value &v, const CallArgs &) { requireDefined(v); return v.asInt() % 2 != 0; }},
        {"even", [](const Value &v, const CallArgs &) { requireDefined(v); return v.asInt() % 2 == 0; }},
        {"divisibleby", [](const Value &v, const CallArgs &a) {
             const std::int64_t d = argument(a, "divisibleby").asInt();
             if (d == 0)
                 throw EvalError("integer division or modulo by zero");
             return v.asInt() % d == 0;
         }},
        {"eq", compareWith("==")}, {"equalto", compareWith("==")}, {"==", compareWith("==")},
        {"ne", compareWith("!=")}, {"!=", compareWith("!=")},
        {"lt", compareWith("<")}, {"lessthan", compareWith("<")}, {"<", compareWith("<")},
        {"le", compareWith("<=")}, {"<=", compareWith("<=")},
        {"gt", compareWith(">")}, {"greaterthan", compareWith(">")}, {">", compareWith(">")},
        {"ge", compareWith(">=")}, {">=", compareWith(">=")},
        {"in", [](const Value &v, const CallArgs &a) { return binaryOp("in", v, argument(a, "in")).asBool(); }},
        {"sameas", [](const Value &v, const CallArgs &a) { return sameAs(v, argument(a, "sameas")); }},
        {"lower", [](const Value &v, const CallArgs &) { return isCase(v, false); }},
        {"upper", [](const Value &v, const CallArgs &) { return isCase(v, true); }},
    };
    return table;
}

} // namespace

bool hasTest(const std::string &name)
{
    return testTable().count(name) > 0;
}

bool applyTest(const std::string &name, const Value &input, const CallArgs &args)
{
    const auto it = testTable().find(name);
    if (it == testTable().end())
        throw EvalError("unknown test '" + name + "'");
    return it->second(input, args);
}

} // namespace rlrf::jinja
