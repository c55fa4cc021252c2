// Jinja2's built-in filters, as far as chat templates use them. Each follows the
// Python implementation (jinja2/filters.py) in what it accepts and returns.
#include "model/jinja/filters.h"

#include "model/jinja/eval_error.h"
#include "model/jinja/methods.h"
#include "model/jinja/operators.h"
#include "model/jinja/utf8.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

namespace rlrf::jinja {

namespace {

using FilterFn = std::function<Value(const Value &, const CallArgs &)>;

// `a.b.0` attribute paths as selectattr/map/sort take them.
Value attributePath(const Value &v, const std::string &path)
{
    Value cur = v;
    size_t start = 0;
    while (true) {
        const size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (cur.isUndefined())
            return cur;
        const bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
        cur = numeric && cur.isList() ? getItem(cur, Value::integer(std::stoll(part))) : getItem(cur, Value::string(part));
        if (dot == std::string::npos)
            return cur;
        start = dot + 1;
    }
}

std::string stringArg(const CallArgs &args, size_t i, const std::string &name, const std::string &fallback)
{
    const Value *v = args.get(i, name);
    return v && !v->isUndefined() ? v->str() : fallback;
}

bool boolArg(const CallArgs &args, size_t i, const std::string &name)
{
    const Value *v = args.get(i, name);
    return v && v->truthy();
}

// The rest of a call's arguments after the first `skip` positional ones.
CallArgs shiftArgs(const CallArgs &args, size_t skip)
{
    CallArgs rest;
    if (args.positional.size() > skip)
        rest.positional.assign(args.positional.begin() + long(skip), args.positional.end());
    rest.named = args.named;
    return rest;
}

Value selectOrReject(const Value &input, const CallArgs &args, bool select, bool byAttribute)
{
    ValueList out;
    const std::string attr = byAttribute ? stringArg(args, 0, "attribute", "") : std::string();
    const size_t testIndex = byAttribute ? 1 : 0;
    const Value *test = args.get(testIndex, {});
    const CallArgs testArgs = shiftArgs(args, testIndex + 1);
    for (const auto &item : iterate(input)) {
        const Value subject = byAttribute ? attributePath(item, attr) : item;
        const bool pass = test ? applyTest(test->str(), subject, testArgs) : subject.truthy();
        if (pass == select)
            out.push_back(item);
    }
    return Value::list(std::move(out));
}

Value mapFilter(const Value &input, const CallArgs &args)
{
    ValueList out;
    const Value *attribute = args.find("attribute");
    const Value *fallback = args.find("default");
    for (const auto &item : iterate(input)) {
        if (attribute) {
            Value v = attributePath(item, attribute->str());
            out.push_back(v.isUndefined() && fallback ? *fallback : v);
        } else {
            const Value *filter = args.get(0, {});
            if (!filter)
                throw EvalError("map() needs a filter name or attribute=");
            if (!hasFilter(filter->str()))
                throw EvalError("unknown filter '" + filter->str() + "'");
            out.push_back(applyFilter(filter->str(), item, shiftArgs(args, 1)));
        }
    }
    return Value::list(std::move(out));
}

Value tojsonFilter(const Value &input, const CallArgs &args)
{
    const Value *indent = args.get(0, "indent");
    std::string itemSep, keySep;
    if (const Value *sep = args.find("separators"); sep && !sep->isNone()) {
        if (!sep->isList() || sep->items().size() != 2)
            throw EvalError("tojson separators must be a pair of strings");
        itemSep = sep->items()[0].str();
        keySep = sep->items()[1].str();
    }
    const int width = indent && indent->isInt() ? int(indent->asInt()) : -1;
    return Value::string(toJsonText(input, width, itemSep, keySep, boolArg(args, 99, "sort_keys")));
}

Value sortFilter(const Value &input, const CallArgs &args)
{
    ValueList items = iterate(input);
    const bool reverse = boolArg(args, 0, "reverse");
    const bool caseSensitive = boolArg(args, 1, "case_sensitive");
    const std::string attr = stringArg(args, 2, "attribute", "");
    auto key = [&](const Value &v) {
        Value k = attr.empty() ? v : attributePath(v, attr);
        return k.isString() && !caseSensitive ? boundMethod(k, "lower").fn()(CallArgs{}) : k;
    };
    std::stable_sort(items.begin(), items.end(), [&](const Value &a, const Value &b) {
        return binaryOp("<", key(reverse ? b : a), key(reverse ? a : b)).asBool();
    });
    return Value::list(std::move(items));
}

Value indentFilter(const Value &input, const CallArgs &args)
{
    const Value *w = args.get(0, "width");
    const std::string pad = w && w->isString() ? w->asString() : std::string(size_t(w ? w->asInt() : 4), ' ');
    const bool first = boolArg(args, 1, "first");
    const bool blank = boolArg(args, 2, "blank");
    const std::string s = input.str();
    std::string out;
    size_t start = 0;
    for (bool isFirst = true;; isFirst = false) {
        const size_t nl = s.find('\n', start);
        const std::string line = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        if ((!isFirst || first) && (blank || !stripString(line, nullptr, 'b').empty()))
            out += pad;
        out += line;
        if (nl == std::string::npos)
            break;
        out += '\n';
        start = nl + 1;
    }
    return Value::string(out);
}

Value escapeFilter(const Value &input, const CallArgs &)
{
    std::string out;
    for (const char c : input.str()) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&#34;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return Value::string(out);
}

Value numberFilter(const Value &input, const CallArgs &args, bool toInt)
{
    const Value *fallback = args.get(0, "default");
    const Value def = fallback ? *fallback : (toInt ? Value::integer(0) : Value::floating(0.0));
    if (input.isNumber() || input.isBool())
        return toInt ? Value::integer(input.isFloat() ? std::int64_t(input.asNumber()) : input.asInt())
                     : Value::floating(input.asNumber());
    if (!input.isString())
        return def;
    try {
        size_t used = 0;
        const std::string s = stripString(input.asString(), nullptr, 'b');
        const double d = std::stod(s, &used);
        if (used != s.size())
            return def;
        return toInt ? Value::integer(std::int64_t(d)) : Value::floating(d);
    } catch (const std::exception &) {
        return def;
    }
}

Value firstOrLast(const Value &input, bool first)
{
    ValueList items = iterate(input);
    if (items.empty())
        return Value::undefined("no first or last item of an empty sequence");
    return first ? items.front() : items.back();
}

Value joinFilter(const Value &input, const CallArgs &args)
{
    const std::string sep = stringArg(args, 0, "d", "");
    const Value *attr = args.get(1, "attribute");
    std::string out;
    bool first = true;
    for (const auto &item : iterate(input)) {
        out += (first ? "" : sep) + (attr ? attributePath(item, attr->str()) : item).str();
        first = false;
    }
    return Value::string(out);
}

Value reduceFilter(const Value &input, const CallArgs &args, const std::string &which)
{
    const std::string attr = stringArg(args, which == "sum" ? 0 : 1, "attribute", "");
    ValueList items = iterate(input);
    if (which == "sum") {
        Value total = args.find("start") ? *args.find("start") : Value::integer(0);
        for (const auto &item : items)
            total = binaryOp("+", total, attr.empty() ? item : attributePath(item, attr));
        return total;
    }
    if (items.empty())
        return Value::undefined("no " + which + " of an empty sequence");
    Value best = items.front();
    for (const auto &item : items) {
        const Value a = attr.empty() ? item : attributePath(item, attr);
        const Value b = attr.empty() ? best : attributePath(best, attr);
        if (binaryOp(which == "min" ? "<" : ">", a, b).asBool())
            best = item;
    }
    return best;
}

const std::map<std::string, FilterFn> &filterTable()
{
    static const std::map<std::string, FilterFn> table = {
        {"length", [](const Value &v, const CallArgs &) { return Value::integer(length(v)); }},
        {"count", [](const Value &v, const CallArgs &) { return Value::integer(length(v)); }},
        {"string", [](const Value &v, const CallArgs &) { return Value::string(v.str()); }},
        {"trim", [](const Value &v, const CallArgs &a) {
             const Value *chars = a.get(0, "chars");
             return Value::string(stripString(v.str(), chars && chars->isString() ? &chars->asString() : nullptr, 'b'));
         }},
        {"lower", [](const Value &v, const CallArgs &) { return boundMethod(Value::string(v.str()), "lower").fn()({}); }},
        {"upper", [](const Value &v, const CallArgs &) { return boundMethod(Value::string(v.str()), "upper").fn()({}); }},
        {"title", [](const Value &v, const CallArgs &) { return boundMethod(Value::string(v.str()), "title").fn()({}); }},
        {"capitalize", [](const Value &v, const CallArgs &) { return boundMethod(Value::string(v.str()), "capitalize").fn()({}); }},
        {"replace", [](const Value &v, const CallArgs &a) { return boundMethod(Value::string(v.str()), "replace").fn()(a); }},
        {"default", [](const Value &v, const CallArgs &a) {
             const Value *fallback = a.get(0, "default_value");
             const bool useFallback = v.isUndefined() || (boolArg(a, 1, "boolean") && !v.truthy());
             return useFallback ? (fallback ? *fallback : Value::string("")) : v;
         }},
        {"join", joinFilter},
        {"first", [](const Value &v, const CallArgs &) { return firstOrLast(v, true); }},
        {"last", [](const Value &v, const CallArgs &) { return firstOrLast(v, false); }},
        {"items", [](const Value &v, const CallArgs &) {
             if (v.isUndefined())
                 return Value::list();
             if (!v.isDict())
                 throw EvalError("items filter needs a mapping, not " + v.typeName());
             return boundMethod(v, "items").fn()({});
         }},
        {"list", [](const Value &v, const CallArgs &) { return Value::list(iterate(v)); }},
        {"reverse", [](const Value &v, const CallArgs &) {
             if (v.isString())
                 return slice(v, std::nullopt, std::nullopt, -1);
             ValueList items = iterate(v);
             std::reverse(items.begin(), items.end());
             return Value::list(std::move(items));
         }},
        {"selectattr", [](const Value &v, const CallArgs &a) { return selectOrReject(v, a, true, true); }},
        {"rejectattr", [](const Value &v, const CallArgs &a) { return selectOrReject(v, a, false, true); }},
        {"select", [](const Value &v, const CallArgs &a) { return selectOrReject(v, a, true, false); }},
        {"reject", [](const Value &v, const CallArgs &a) { return selectOrReject(v, a, false, false); }},
        {"map", mapFilter},
        {"tojson", tojsonFilter},
        {"sort", sortFilter},
        {"unique", [](const Value &v, const CallArgs &) {
             ValueList out;
             for (const auto &item : iterate(v))
                 if (std::none_of(out.begin(), out.end(), [&](const Value &o) { return equals(o, item); }))
                     out.push_back(item);
             return Value::list(std::move(out));
         }},
        {"int", [](const Value &v, const CallArgs &a) { return numberFilter(v, a, true); }},
        {"float", [](const Value &v, const CallArgs &a) { return numberFilter(v, a, false); }},
        {"abs", [](const Value &v, const CallArgs &) {
             return v.isFloat() ? Value::floating(std::fabs(v.asNumber())) : Value::integer(std::llabs(v.asInt()));
         }},
        {"round", [](const Value &v, const CallArgs &a) {
             const Value *p = a.get(0, "precision");
             const std::string method = stringArg(a, 1, "method", "common");
             const double scale = std::pow(10.0, p ? double(p->asInt()) : 0.0);
             const double x = v.asNumber() * scale;
             // "common" is Python's round(): halves go to the even neighbour.
             const double r = method == "ceil" ? std::ceil(x) : method == "floor" ? std::floor(x) : std::nearbyint(x);
             return Value::floating(r / scale);
         }},
        {"indent", indentFilter},
        {"safe", [](const Value &v, const CallArgs &) { return v; }},
        {"escape", escapeFilter},
        {"e", escapeFilter},
        {"sum", [](const Value &v, const CallArgs &a) { return reduceFilter(v, a, "sum"); }},
        {"min", [](const Value &v, const CallArgs &a) { return reduceFilter(v, a, "min"); }},
        {"max", [](const Value &v, const CallArgs &a) { return reduceFilter(v, a, "max"); }},
        {"wordcount", [](const Value &v, const CallArgs &) {
             return Value::integer(length(boundMethod(Value::string(v.str()), "split").fn()({})));
         }},
    };
    return table;
}

} // namespace

bool hasFilter(const std::string &name)
{
    return filterTable().count(name) > 0;
}

Value applyFilter(const std::string &name, const Value &input, const CallArgs &args)
{
    const auto it = filterTable().find(name);
    if (it == filterTable().end())
        throw EvalError("unknown filter '" + name + "'");
    // Most filters see undefined as an empty string or sequence, as Jinja2's default
    // Undefined does; these need a real value (json.dumps rejects Undefined too).
    if (name == "abs" || name == "round" || name == "tojson" || name == "sum" || name == "min" || name == "max")
        requireDefined(input);
    return it->second(input, args);
}

} // namespace rlrf::jinja
