// transformers replaces Jinja2's HTML-safe tojson with
// json.dumps(x, ensure_ascii=False, indent=indent, separators=separators,
// sort_keys=sort_keys); this reproduces Python's output byte for byte.
#include "model/jinja/eval_error.h"
#include "model/jinja/filters.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rlrf::jinja {

namespace {

void quoteJson(const std::string &s, std::string &out)
{
    out += '"';
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += ch;
            }
        }
    }
    out += '"';
}

struct JsonWriter {
    int indent;
    std::string itemSep;
    std::string keySep;
    bool sortKeys;
    std::string out;

    void newline(int depth)
    {
        out += '\n';
        out.append(size_t(indent) * size_t(depth), ' ');
    }

    void write(const Value &v, int depth)
    {
        switch (v.kind()) {
        case Value::Kind::Undefined:
        case Value::Kind::None: out += "null"; return;
        case Value::Kind::Bool: out += v.asBool() ? "true" : "false"; return;
        case Value::Kind::Int: out += std::to_string(v.asInt()); return;
        case Value::Kind::Float: {
            const double d = v.asNumber();
            out += std::isnan(d) ? "NaN" : std::isinf(d) ? (d > 0 ? "Infinity" : "-Infinity") : formatFloat(d);
            return;
        }
        case Value::Kind::String: quoteJson(v.asString(), out); return;
        case Value::Kind::List: writeList(v.items(), depth); return;
        case Value::Kind::Dict: writeDict(v.dictRef().entries, depth); return;
        case Value::Kind::Function: throw EvalError("Object of type function is not JSON serializable");
        }
    }

    void writeList(const ValueList &items, int depth)
    {
        if (items.empty()) {
            out += "[]";
            return;
        }
        out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i)
                out += itemSep;
            if (indent >= 0)
                newline(depth + 1);
            write(items[i], depth + 1);
        }
        if (indent >= 0)
            newline(depth);
        out += ']';
    }

    void writeDict(NamedValues entries, int depth)
    {
        if (entries.empty()) {
            out += "{}";
            return;
        }
        if (sortKeys)
            std::stable_sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        out += '{';
        for (size_t i = 0; i < entries.size(); ++i) {
            if (i)
                out += itemSep;
            if (indent >= 0)
                newline(depth + 1);
            quoteJson(entries[i].first, out);
            out += keySep;
            write(entries[i].second, depth + 1);
        }
        if (indent >= 0)
            newline(depth);
        out += '}';
    }
};

} // namespace

std::string toJsonText(const Value &value, int indent, const std::string &itemSeparator,
                       const std::string &keySeparator, bool sortKeys)
{
    JsonWriter w{indent, itemSeparator, keySeparator, sortKeys, {}};
    if (w.itemSep.empty() && w.keySep.empty()) {
        w.itemSep = indent >= 0 ? "," : ", ";
        w.keySep = ": ";
    }
    w.write(value, 0);
    return std::move(w.out);
}

} // namespace rlrf::jinja
