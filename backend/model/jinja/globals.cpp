// Functions every chat template may call: Jinja2's range, namespace and dict, and
// the two transformers adds, raise_exception and strftime_now.
#include "model/jinja/eval_error.h"
#include "model/jinja/interpreter.h"

#include <ctime>

namespace rlrf::jinja {

namespace {

Value range(const CallArgs &args)
{
    std::vector<std::int64_t> n;
    for (const auto &v : args.positional) {
        if (!v.isInt() && !v.isBool())
            throw EvalError("range() arguments must be integers, not " + v.typeName());
        n.push_back(v.asInt());
    }
    if (n.empty() || n.size() > 3)
        throw EvalError("range() takes 1 to 3 arguments");
    const std::int64_t start = n.size() == 1 ? 0 : n[0];
    const std::int64_t stop = n.size() == 1 ? n[0] : n[1];
    const std::int64_t step = n.size() == 3 ? n[2] : 1;
    if (step == 0)
        throw EvalError("range() arg 3 must not be zero");
    ValueList out;
    for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (out.size() >= 1000000)
            throw EvalError("range() is too long");
        out.push_back(Value::integer(i));
    }
    return Value::list(std::move(out));
}

Value makeNamespace(const CallArgs &args)
{
    Value ns = Value::dict();
    ns.dictRef().isNamespace = true;
    if (!args.positional.empty()) {
        const Value &init = args.positional[0];
        if (!init.isDict())
            throw EvalError("namespace() takes a mapping and keyword arguments");
        for (const auto &[key, value] : init.dictRef().entries)
            ns.dictRef().set(key, value);
    }
    for (const auto &[key, value] : args.named)
        ns.dictRef().set(key, value);
    return ns;
}

Value strftimeNow(const CallArgs &args)
{
    if (args.positional.empty() || !args.positional[0].isString())
        throw EvalError("strftime_now() needs a format string");
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char buf[256];
    const size_t n = std::strftime(buf, sizeof buf, args.positional[0].asString().c_str(), &local);
    return Value::string(std::string(buf, n));
}

} // namespace

NamedValues builtinGlobals()
{
    return {
        {"range", Value::function(range, "range")},
        {"namespace", Value::function(makeNamespace, "namespace")},
        {"dict", Value::function([](const CallArgs &args) { return Value::dict(args.named); }, "dict")},
        {"raise_exception", Value::function(
                                [](const CallArgs &args) -> Value {
                                    throw RaisedError(args.positional.empty() ? std::string() : args.positional[0].str());
                                },
                                "raise_exception")},
        {"strftime_now", Value::function(strftimeNow, "strftime_now")},
    };
}

} // namespace rlrf::jinja
