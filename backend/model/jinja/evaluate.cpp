// Expression evaluation of the Interpreter.
#include "core/error.h"
#include "model/jinja/eval_error.h"
#include "model/jinja/filters.h"
#include "model/jinja/interpreter.h"
#include "model/jinja/operators.h"

namespace rlrf::jinja {

namespace {

std::optional<std::int64_t> sliceBound(const Value &v)
{
    if (v.isUndefined() || v.isNone())
        return std::nullopt;
    if (!v.isInt() && !v.isBool())
        throw EvalError("slice indices must be integers or None, not " + v.typeName());
    return v.asInt();
}

} // namespace

Value Interpreter::eval(const Expr &e)
{
    try {
        return evalInner(e);
    } catch (const RaisedError &raised) {
        throw Error(std::string("raise_exception: ") + raised.what(), {m_name, e.line, {}});
    } catch (const EvalError &err) {
        fail(err.what(), e.line);
    } catch (const Error &) {
        throw;
    } catch (const std::exception &other) { // e.g. a number too large for std::stoll
        fail(std::string("cannot evaluate: ") + other.what(), e.line);
    }
}

CallArgs Interpreter::evalArguments(const Expr &e, size_t first)
{
    CallArgs args;
    for (size_t i = first; i < e.args.size(); ++i)
        args.positional.push_back(eval(*e.args[i]));
    for (const auto &[name, expr] : e.kwargs)
        args.named.emplace_back(name, eval(*expr));
    return args;
}

Value Interpreter::evalCall(const Expr &e)
{
    const Value callee = eval(*e.args[0]);
    requireDefined(callee);
    if (!callee.isFunction())
        throw EvalError("'" + callee.typeName() + "' object is not callable");
    return callee.fn()(evalArguments(e, 1));
}

Value Interpreter::evalInner(const Expr &e)
{
    switch (e.kind) {
    case Expr::Kind::Literal: return e.value;
    case Expr::Kind::Name: return lookup(e.name);
    case Expr::Kind::List:
    case Expr::Kind::Tuple: {
        ValueList items;
        for (const auto &item : e.args)
            items.push_back(eval(*item));
        return Value::list(std::move(items), e.kind == Expr::Kind::Tuple);
    }
    case Expr::Kind::Dict: {
        Value d = Value::dict();
        for (size_t i = 0; i + 1 < e.args.size(); i += 2)
            d.dictRef().set(eval(*e.args[i]).str(), eval(*e.args[i + 1]));
        return d;
    }
    case Expr::Kind::Attr: return getAttribute(eval(*e.args[0]), e.name);
    case Expr::Kind::Item: return getItem(eval(*e.args[0]), eval(*e.args[1]));
    case Expr::Kind::Slice: {
        const Value obj = eval(*e.args[0]);
        auto bound = [&](size_t i) { return e.args[i] ? sliceBound(eval(*e.args[i])) : std::nullopt; };
        return slice(obj, bound(1), bound(2), bound(3));
    }
    case Expr::Kind::Call: return evalCall(e);
    case Expr::Kind::Filter: return applyFilter(e.name, eval(*e.args[0]), evalArguments(e, 1));
    case Expr::Kind::Test: {
        const bool result = applyTest(e.name, eval(*e.args[0]), evalArguments(e, 1));
        return Value::boolean(result != e.negated);
    }
    case Expr::Kind::Unary:
        if (e.name == "not")
            return Value::boolean(!eval(*e.args[0]).truthy());
        return unaryOp(e.name, eval(*e.args[0]));
    case Expr::Kind::Binary: {
        Value left = eval(*e.args[0]);
        if (e.name == "and")
            return left.truthy() ? eval(*e.args[1]) : left;
        if (e.name == "or")
            return left.truthy() ? left : eval(*e.args[1]);
        return binaryOp(e.name, left, eval(*e.args[1]));
    }
    case Expr::Kind::Ternary:
        if (eval(*e.args[0]).truthy())
            return eval(*e.args[1]);
        return e.args[2] ? eval(*e.args[2]) : Value::undefined("the condition was false and there is no else");
    }
    return Value::undefined();
}

} // namespace rlrf::jinja
