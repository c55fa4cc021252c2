#include "model/jinja/methods.h"

#include "model/jinja/eval_error.h"
#include "model/jinja/operators.h"

#include <cctype>
#include <map>

namespace rlrf::jinja {

namespace {

bool isPySpace(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

const std::string &stringArg(const CallArgs &args, size_t index, const std::string &name, const std::string &method)
{
    const Value *v = args.get(index, name);
    if (!v || !v->isString())
        throw EvalError(method + "() argument " + std::to_string(index + 1) + " must be a string");
    return v->asString();
}

std::int64_t intArg(const CallArgs &args, size_t index, const std::string &name, std::int64_t fallback)
{
    const Value *v = args.get(index, name);
    if (!v || v->isNone())
        return fallback;
    if (!v->isInt())
        throw EvalError("'" + name + "' must be an integer, not " + v->typeName());
    return v->asInt();
}

bool affixMatch(const std::string &s, const Value &affix, bool prefix, const std::string &method)
{
    auto one = [&](const Value &a) {
        if (!a.isString())
            throw EvalError(method + "() arguments must be strings or a tuple of strings");
        const std::string &p = a.asString();
        if (p.size() > s.size())
            return false;
        return prefix ? s.compare(0, p.size(), p) == 0 : s.compare(s.size() - p.size(), p.size(), p) == 0;
    };
    if (affix.isList()) {
        for (const auto &a : affix.items())
            if (one(a))
                return true;
        return false;
    }
    return one(affix);
}

Value split(const std::string &s, const CallArgs &args)
{
    const Value *sep = args.get(0, "sep");
    std::int64_t maxsplit = intArg(args, 1, "maxsplit", -1);
    ValueList parts;
    if (!sep || sep->isNone()) { // runs of whitespace, ends ignored
        size_t i = 0;
        while (true) {
            while (i < s.size() && isPySpace(s[i]))
                ++i;
            if (i >= s.size())
                break;
            if (maxsplit >= 0 && std::int64_t(parts.size()) == maxsplit) {
                size_t end = s.size();
                while (end > i && isPySpace(s[end - 1]))
                    --end;
                parts.push_back(Value::string(s.substr(i, end - i)));
                break;
            }
            size_t j = i;
            while (j < s.size() && !isPySpace(s[j]))
                ++j;
            parts.push_back(Value::string(s.substr(i, j - i)));
            i = j;
        }
        return Value::list(std::move(parts));
    }
    if (!sep->isString())
        throw EvalError("split() separator must be a string or None");
    const std::string &d = sep->asString();
    if (d.empty())
        throw EvalError("empty separator");
    size_t start = 0;
    for (size_t pos; (maxsplit < 0 || std::int64_t(parts.size()) < maxsplit) && (pos = s.find(d, start)) != std::string::npos;
         start = pos + d.size())
        parts.push_back(Value::string(s.substr(start, pos - start)));
    parts.push_back(Value::string(s.substr(start)));
    return Value::list(std::move(parts));
}

std::string replaceAll(const std::string &s, const std::string &from, const std::string &to, std::int64_t count)
{
    std::string out;
    size_t start = 0;
    std::int64_t done = 0;
    if (from.empty()) { // Python inserts `to` between every character
        for (size_t i = 0; i <= s.size(); ++i) {
            if (count < 0 || done < count)
                out += to, ++done;
            if (i < s.size())
                out += s[i];
        }
        return out;
    }
    for (size_t pos; (count < 0 || done < count) && (pos = s.find(from, start)) != std::string::npos; ++done) {
        out.append(s, start, pos - start);
        out += to;
        start = pos + from.size();
    }
    out.append(s, start, std::string::npos);
    return out;
}

std::string changeCase(std::string s, char mode)
{
    bool previousIsLetter = false;
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        const bool letter = std::isalpha(c) != 0;
        if (mode == 'u' || (mode == 't' && !previousIsLetter) || (mode == 'c' && i == 0))
            s[i] = char(std::toupper(c));
        else
            s[i] = char(std::tolower(c));
        previousIsLetter = letter;
    }
    return s;
}

// str.format with {} / {0} / {name} fields (no format specs).
std::string format(const std::string &s, const CallArgs &args)
{
    std::string out;
    size_t auto_index = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if ((c == '{' || c == '}') && i + 1 < s.size() && s[i + 1] == c) {
            out += c;
            ++i;
            continue;
        }
        if (c != '{') {
            out += c;
            continue;
        }
        const size_t end = s.find('}', i);
        if (end == std::string::npos)
            throw EvalError("single '{' encountered in format string");
        const std::string field = s.substr(i + 1, end - i - 1);
        const Value *v = nullptr;
        if (field.empty())
            v = args.get(auto_index++, {});
        else if (std::isdigit(static_cast<unsigned char>(field[0])))
            v = args.get(size_t(std::stoul(field)), {});
        else
            v = args.find(field);
        if (!v)
            throw EvalError("format(): no value for field '{" + field + "}'");
        out += v->str();
        i = end;
    }
    return out;
}

Value stringMethod(const std::string &s, const std::string &name, const CallArgs &args)
{
    if (name == "startswith" || name == "endswith") {
        const Value *affix = args.get(0, "prefix");
        if (!affix)
            throw EvalError(name + "() takes at least 1 argument");
        return Value::boolean(affixMatch(s, *affix, name == "startswith", name));
    }
    if (name == "strip" || name == "lstrip" || name == "rstrip") {
        const Value *chars = args.get(0, "chars");
        const std::string *set = chars && chars->isString() ? &chars->asString() : nullptr;
        return Value::string(stripString(s, set, name[0] == 's' ? 'b' : name[0]));
    }
    if (name == "split")
        return split(s, args);
    if (name == "replace")
        return Value::string(replaceAll(s, stringArg(args, 0, "old", name), stringArg(args, 1, "new", name),
                                        intArg(args, 2, "count", -1)));
    if (name == "upper" || name == "lower" || name == "title" || name == "capitalize")
        return Value::string(changeCase(s, name == "upper" ? 'u' : name == "lower" ? 'l' : name == "title" ? 't' : 'c'));
    if (name == "format")
        return Value::string(format(s, args));
    if (name == "find" || name == "count") {
        const std::string &needle = stringArg(args, 0, "sub", name);
        if (name == "find") {
            const size_t pos = s.find(needle);
            return Value::integer(pos == std::string::npos ? -1 : std::int64_t(length(Value::string(s.substr(0, pos)))));
        }
        std::int64_t n = 0;
        for (size_t pos = s.find(needle); !needle.empty() && pos != std::string::npos; pos = s.find(needle, pos + needle.size()))
            ++n;
        return Value::integer(n);
    }
    if (name == "join") {
        std::string out;
        const Value *items = args.get(0, "iterable");
        bool first = true;
        for (const auto &item : iterate(items ? *items : Value()))
            out += (first ? "" : s) + item.str(), first = false;
        return Value::string(out);
    }
    if (name == "isdigit" || name == "isspace" || name == "isalpha" || name == "isalnum") {
        bool all = !s.empty();
        for (const char ch : s) {
            const auto c = static_cast<unsigned char>(ch);
            all = all && (name == "isdigit" ? std::isdigit(c) : name == "isspace" ? isPySpace(ch) : name == "isalpha" ? std::isalpha(c) : std::isalnum(c));
        }
        return Value::boolean(all);
    }
    return Value::undefined();
}

Value dictMethod(const Value &d, const std::string &name, const CallArgs &args)
{
    const Dict &dict = d.dictRef();
    if (name == "get") {
        const Value *key = args.get(0, "key");
        const Value *v = key && key->isString() ? dict.find(key->asString()) : nullptr;
        if (v)
            return *v;
        const Value *fallback = args.get(1, "default");
        return fallback ? *fallback : Value::none();
    }
    ValueList out;
    for (const auto &[key, value] : dict.entries) {
        if (name == "keys")
            out.push_back(Value::string(key));
        else if (name == "values")
            out.push_back(value);
        else
            out.push_back(Value::list({Value::string(key), value}, true));
    }
    return Value::list(std::move(out));
}

Value listMethod(const Value &l, const std::string &name, const CallArgs &args)
{
    ValueList &items = l.listRef().items;
    const Value *arg = args.get(0, "value");
    if (name == "append") {
        if (!arg)
            throw EvalError("append() takes exactly one argument");
        checkInsert(l, *arg);
        items.push_back(*arg);
        return Value::none();
    }
    if (name == "pop") {
        if (items.empty())
            throw EvalError("pop from empty list");
        const std::int64_t size = std::int64_t(items.size());
        std::int64_t i = intArg(args, 0, "index", -1);
        i = i < 0 ? i + size : i;
        if (i < 0 || i >= size)
            throw EvalError("pop index out of range");
        Value v = items[size_t(i)];
        items.erase(items.begin() + i);
        return v;
    }
    std::int64_t count = 0;
    for (size_t i = 0; i < items.size(); ++i) {
        if (arg && equals(items[i], *arg)) {
            if (name == "index")
                return Value::integer(std::int64_t(i));
            ++count;
        }
    }
    if (name == "index")
        throw EvalError((arg ? arg->repr() : std::string("None")) + " is not in list");
    return Value::integer(count);
}

const std::map<Value::Kind, std::vector<std::string>> &methodNames()
{
    static const std::map<Value::Kind, std::vector<std::string>> names = {
        {Value::Kind::String, {"startswith", "endswith", "strip", "lstrip", "rstrip", "split", "replace", "upper",
                               "lower", "title", "capitalize", "format", "find", "count", "join", "isdigit",
                               "isspace", "isalpha", "isalnum"}},
        {Value::Kind::Dict, {"get", "items", "keys", "values"}},
        {Value::Kind::List, {"append", "pop", "index", "count"}},
    };
    return names;
}

} // namespace

std::string stripString(const std::string &s, const std::string *chars, char which)
{
    auto strip = [&](char c) { return chars ? chars->find(c) != std::string::npos : isPySpace(c); };
    size_t begin = 0, end = s.size();
    if (which != 'r')
        while (begin < end && strip(s[begin]))
            ++begin;
    if (which != 'l')
        while (end > begin && strip(s[end - 1]))
            --end;
    return s.substr(begin, end - begin);
}

Value boundMethod(const Value &obj, const std::string &name)
{
    const auto it = methodNames().find(obj.kind());
    if (it == methodNames().end() || (obj.isDict() && obj.dictRef().isNamespace))
        return Value::undefined();
    bool known = false;
    for (const auto &n : it->second)
        known = known || n == name;
    if (!known)
        return Value::undefined();
    return Value::function(
        [obj, name](const CallArgs &args) {
            if (obj.isString())
                return stringMethod(obj.asString(), name, args);
            if (obj.isDict())
                return dictMethod(obj, name, args);
            return listMethod(obj, name, args);
        },
        obj.typeName() + "." + name);
}

} // namespace rlrf::jinja
