#include "model/jinja/operators.h"

#include "model/jinja/eval_error.h"
#include "model/jinja/methods.h"
#include "model/jinja/utf8.h"

#include <cmath>
#include <cstdint>

namespace rlrf::jinja {

// A template's strings and lists stay small, so that a hostile template cannot
// exhaust memory by doubling a value in a loop (chat templates make a few KiB).
constexpr std::size_t kMaxStringBytes = std::size_t(1) << 24; // 16 MiB
constexpr std::size_t kMaxListItems = std::size_t(1) << 20;   // 1 Mi items, as range()

namespace {

[[noreturn]] void unsupported(const std::string &op, const Value &a, const Value &b)
{
    throw EvalError("unsupported operand type(s) for " + op + ": '" + a.typeName() + "' and '" + b.typeName() + "'");
}

bool isIntLike(const Value &v) { return v.isInt() || v.isBool(); }
bool isNumeric(const Value &v) { return v.isNumber() || v.isBool(); }

Value arithmetic(const std::string &op, const Value &a, const Value &b)
{
    const bool ints = isIntLike(a) && isIntLike(b);
    const std::int64_t x = a.asInt(), y = b.asInt();
    const double dx = a.asNumber(), dy = b.asNumber();
    // Python integers never overflow; ours are 64-bit, so say so instead of wrapping.
    if (ints && (op == "+" || op == "-" || op == "*")) {
        std::int64_t r = 0;
        const bool overflow = op == "+" ? __builtin_add_overflow(x, y, &r)
                              : op == "-" ? __builtin_sub_overflow(x, y, &r)
                                          : __builtin_mul_overflow(x, y, &r);
        if (overflow)
            throw EvalError("integer overflow (beyond 64 bits)");
        return Value::integer(r);
    }
    if (op == "+")
        return Value::floating(dx + dy);
    if (op == "-")
        return Value::floating(dx - dy);
    if (op == "*")
        return Value::floating(dx * dy);
    if (dy == 0 && op != "**")
        throw EvalError(ints && op != "/" ? "integer division or modulo by zero" : "division by zero");
    if (op == "/")
        return Value::floating(dx / dy);
    if (ints && y == -1 && x == INT64_MIN) // the one quotient that does not fit (and traps)
        throw EvalError("integer overflow (beyond 64 bits)");
    if (op == "//") {
        if (!ints)
            return Value::floating(std::floor(dx / dy));
        std::int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0)))
            --q;
        return Value::integer(q);
    }
    if (op == "%") {
        if (!ints) {
            const double r = std::fmod(dx, dy);
            return Value::floating(r != 0 && ((r < 0) != (dy < 0)) ? r + dy : r);
        }
        const std::int64_t r = x % y;
        return Value::integer(r != 0 && ((r < 0) != (y < 0)) ? r + y : r);
    }
    // **
    if (ints && y >= 0) {
        std::int64_t result = 1, base = x;
        for (std::int64_t e = y; e > 0; e >>= 1) { // by squaring: 2 ** 10**12 must not loop forever
            if ((e & 1) && __builtin_mul_overflow(result, base, &result))
                throw EvalError("integer overflow (beyond 64 bits)");
            if (e > 1 && __builtin_mul_overflow(base, base, &base))
                throw EvalError("integer overflow (beyond 64 bits)");
        }
        return Value::integer(result);
    }
    return Value::floating(std::pow(dx, dy));
}

Value repeat(const Value &seq, std::int64_t times)
{
    const auto unit = std::int64_t(seq.isString() ? seq.asString().size() : seq.items().size());
    const auto limit = std::int64_t(seq.isString() ? kMaxStringBytes : kMaxListItems);
    if (times > 0 && unit > 0 && times > limit / unit)
        throw EvalError("repetition result too large");
    if (seq.isString()) {
        std::string out;
        for (std::int64_t i = 0; i < times; ++i)
            out += seq.asString();
        return Value::string(std::move(out));
    }
    ValueList out;
    for (std::int64_t i = 0; i < times; ++i)
        out.insert(out.end(), seq.items().begin(), seq.items().end());
    return Value::list(std::move(out));
}

// -1, 0, 1 like Python's ordering; throws for types Python cannot order.
int compare(const Value &a, const Value &b, const std::string &op)
{
    if (isNumeric(a) && isNumeric(b))
        return a.asNumber() < b.asNumber() ? -1 : a.asNumber() > b.asNumber() ? 1 : 0;
    if (a.isString() && b.isString())
        return a.asString().compare(b.asString()) < 0 ? -1 : a.asString() == b.asString() ? 0 : 1;
    if (a.isList() && b.isList()) {
        const auto &x = a.items(), &y = b.items();
        for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (!equals(x[i], y[i]))
                return compare(x[i], y[i], op);
        }
        return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
    }
    throw EvalError("'" + op + "' not supported between instances of '" + a.typeName() + "' and '" + b.typeName() + "'");
}

bool contains(const Value &container, const Value &item)
{
    if (container.isUndefined())
        return false;
    if (container.isString()) {
        if (!item.isString())
            throw EvalError("'in <string>' requires string as left operand, not " + item.typeName());
        return container.asString().find(item.asString()) != std::string::npos;
    }
    if (container.isList()) {
        for (const auto &v : container.items())
            if (equals(v, item))
                return true;
        return false;
    }
    if (container.isDict())
        return item.isString() && container.dictRef().find(item.asString()) != nullptr;
    throw EvalError("argument of type '" + container.typeName() + "' is not iterable");
}

std::int64_t normalizeIndex(std::int64_t index, std::int64_t size)
{
    return index < 0 ? index + size : index;
}

// Python's printf-style `text % values` for %s, %r, %d, %i, %% and %(key)s.
std::string percentFormat(const std::string &format, const Value &values)
{
    const ValueList args = values.isList() && values.listRef().isTuple ? values.items() : ValueList{values};
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') {
            out += format[i];
            continue;
        }
        if (++i >= format.size())
            throw EvalError("incomplete format");
        const Value *arg = nullptr;
        if (format[i] == '(') {
            const size_t close = format.find(')', i);
            if (close == std::string::npos || !values.isDict())
                throw EvalError("format requires a mapping");
            arg = values.dictRef().find(format.substr(i + 1, close - i - 1));
            if (!arg)
                throw EvalError("no key '" + format.substr(i + 1, close - i - 1) + "' for the format");
            i = close + 1;
        }
        const char conv = i < format.size() ? format[i] : '\0';
        if (conv == '%' && !arg) {
            out += '%';
            continue;
        }
        if (!arg && next >= args.size())
            throw EvalError("not enough arguments for format string");
        const Value &v = arg ? *arg : args[next++];
        if (conv == 's')
            out += v.str();
        else if (conv == 'r')
            out += v.repr();
        else if ((conv == 'd' || conv == 'i') && (isNumeric(v)))
            out += std::to_string(v.isFloat() ? std::int64_t(v.asNumber()) : v.asInt());
        else
            throw EvalError(std::string("unsupported format character '") + conv + "' for a " + v.typeName());
    }
    if (!values.isDict() && next < args.size())
        throw EvalError("not all arguments converted during string formatting");
    return out;
}

} // namespace

void requireDefined(const Value &v)
{
    if (v.isUndefined())
        throw EvalError(v.hint().empty() ? "a value is undefined" : v.hint());
}

std::string joined(const std::string &a, const std::string &b)
{
    if (a.size() + b.size() > kMaxStringBytes)
        throw EvalError("string result too large (more than 16 MiB)");
    return a + b;
}

Value binaryOp(const std::string &op, const Value &a, const Value &b)
{
    if (op == "~")
        return Value::string(joined(a.str(), b.str()));
    if (op == "==")
        return Value::boolean(equals(a, b));
    if (op == "!=")
        return Value::boolean(!equals(a, b));
    if (op == "in" || op == "not in") {
        return Value::boolean(contains(b, a) == (op == "in"));
    }
    requireDefined(a);
    requireDefined(b);
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
        const int c = compare(a, b, op);
        const bool r = op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
        return Value::boolean(r);
    }
    if (isNumeric(a) && isNumeric(b))
        return arithmetic(op, a, b);
    if (op == "+" && a.isString() && b.isString())
        return Value::string(joined(a.asString(), b.asString()));
    if (op == "+" && a.isList() && b.isList()) {
        if (a.items().size() + b.items().size() > kMaxListItems)
            throw EvalError("list result too large (more than 1 Mi items)");
        ValueList out = a.items();
        out.insert(out.end(), b.items().begin(), b.items().end());
        return Value::list(std::move(out));
    }
    if (op == "%" && a.isString())
        return Value::string(percentFormat(a.asString(), b));
    if (op == "*" && (a.isString() || a.isList()) && isIntLike(b))
        return repeat(a, b.asInt());
    if (op == "*" && (b.isString() || b.isList()) && isIntLike(a))
        return repeat(b, a.asInt());
    unsupported(op, a, b);
}

Value unaryOp(const std::string &op, const Value &a)
{
    requireDefined(a);
    if (!isNumeric(a))
        throw EvalError("bad operand type for unary " + op + ": '" + a.typeName() + "'");
    if (op == "+")
        return a.isFloat() ? a : Value::integer(a.asInt());
    if (!a.isFloat() && a.asInt() == INT64_MIN)
        throw EvalError("integer overflow (beyond 64 bits)");
    return a.isFloat() ? Value::floating(-a.asNumber()) : Value::integer(-a.asInt());
}

Value getAttribute(const Value &obj, const std::string &name)
{
    requireDefined(obj);
    Value method = boundMethod(obj, name);
    if (!method.isUndefined())
        return method;
    if (obj.isDict()) {
        if (const Value *v = obj.dictRef().find(name))
            return *v;
        return Value::undefined("'" + obj.typeName() + " object' has no attribute '" + name + "'");
    }
    return Value::undefined("'" + obj.typeName() + " object' has no attribute '" + name + "'");
}

Value getItem(const Value &obj, const Value &key)
{
    requireDefined(obj);
    if (obj.isDict() && key.isString()) {
        if (const Value *v = obj.dictRef().find(key.asString()))
            return *v;
        Value method = boundMethod(obj, key.asString());
        if (!method.isUndefined())
            return method;
        return Value::undefined("'dict object' has no attribute '" + key.asString() + "'");
    }
    if ((obj.isList() || obj.isString()) && isIntLike(key)) {
        if (obj.isList()) {
            const auto size = static_cast<std::int64_t>(obj.items().size());
            const std::int64_t i = normalizeIndex(key.asInt(), size);
            if (i >= 0 && i < size)
                return obj.items()[size_t(i)];
        } else {
            const auto starts = utf8::codePointStarts(obj.asString());
            const std::int64_t i = normalizeIndex(key.asInt(), std::int64_t(starts.size()));
            if (i >= 0 && i < std::int64_t(starts.size()))
                return Value::string(utf8::substr(obj.asString(), starts, size_t(i), 1));
        }
        return Value::undefined(obj.typeName() + " object has no element " + std::to_string(key.asInt()));
    }
    if (key.isString())
        return getAttribute(obj, key.asString());
    return Value::undefined("'" + obj.typeName() + " object' has no element " + key.repr());
}

Value slice(const Value &obj, std::optional<std::int64_t> start, std::optional<std::int64_t> stop,
            std::optional<std::int64_t> step)
{
    requireDefined(obj);
    if (!obj.isList() && !obj.isString())
        throw EvalError("'" + obj.typeName() + "' object is not subscriptable");
    const std::int64_t st = step.value_or(1);
    if (st == 0)
        throw EvalError("slice step cannot be zero");
    const std::vector<size_t> starts = obj.isString() ? utf8::codePointStarts(obj.asString()) : std::vector<size_t>{};
    const std::int64_t n = obj.isString() ? std::int64_t(starts.size()) : std::int64_t(obj.items().size());
    // Python's slice.indices().
    auto clamp = [&](std::optional<std::int64_t> v, std::int64_t fallback) {
        if (!v)
            return fallback;
        std::int64_t i = *v < 0 ? *v + n : *v;
        if (st > 0)
            return std::min(std::max<std::int64_t>(i, 0), n);
        return std::min(std::max<std::int64_t>(i, -1), n - 1);
    };
    const std::int64_t from = clamp(start, st > 0 ? 0 : n - 1);
    const std::int64_t to = clamp(stop, st > 0 ? n : -1);
    ValueList items;
    std::string text;
    for (std::int64_t i = from; st > 0 ? i < to : i > to; i += st) {
        if (obj.isString())
            text += utf8::substr(obj.asString(), starts, size_t(i), 1);
        else
            items.push_back(obj.items()[size_t(i)]);
    }
    return obj.isString() ? Value::string(std::move(text)) : Value::list(std::move(items));
}

ValueList iterate(const Value &v)
{
    switch (v.kind()) {
    case Value::Kind::Undefined: return {};
    case Value::Kind::List: return v.items();
    case Value::Kind::Dict: {
        ValueList keys;
        for (const auto &entry : v.dictRef().entries)
            keys.push_back(Value::string(entry.first));
        return keys;
    }
    case Value::Kind::String: {
        const auto starts = utf8::codePointStarts(v.asString());
        ValueList chars;
        for (size_t i = 0; i < starts.size(); ++i)
            chars.push_back(Value::string(utf8::substr(v.asString(), starts, i, 1)));
        return chars;
    }
    default: throw EvalError("'" + v.typeName() + "' object is not iterable");
    }
}

std::int64_t length(const Value &v)
{
    switch (v.kind()) {
    case Value::Kind::Undefined: return 0;
    case Value::Kind::List: return std::int64_t(v.items().size());
    case Value::Kind::Dict: return std::int64_t(v.dictRef().entries.size());
    case Value::Kind::String: return std::int64_t(utf8::length(v.asString()));
    default: throw EvalError("object of type '" + v.typeName() + "' has no len()");
    }
}

} // namespace rlrf::jinja
