#include "model/jinja/value.h"

#include "model/jinja/eval_error.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rlrf::jinja {

const Value *CallArgs::find(const std::string &name) const
{
    for (const auto &[key, value] : named)
        if (key == name)
            return &value;
    return nullptr;
}

const Value *CallArgs::get(size_t index, const std::string &name) const
{
    if (index < positional.size())
        return &positional[index];
    return find(name);
}

const Value *Dict::find(const std::string &key) const
{
    for (const auto &entry : entries)
        if (entry.first == key)
            return &entry.second;
    return nullptr;
}

void Dict::set(const std::string &key, Value value)
{
    for (auto &entry : entries) {
        if (entry.first == key) {
            entry.second = std::move(value);
            return;
        }
    }
    entries.emplace_back(key, std::move(value));
}

Value Value::undefined(std::string hint)
{
    Value v;
    v.m_string = std::move(hint);
    return v;
}

Value Value::none()
{
    Value v;
    v.m_kind = Kind::None;
    return v;
}

Value Value::boolean(bool b)
{
    Value v;
    v.m_kind = Kind::Bool;
    v.m_bool = b;
    v.m_int = b ? 1 : 0;
    return v;
}

Value Value::integer(std::int64_t i)
{
    Value v;
    v.m_kind = Kind::Int;
    v.m_int = i;
    return v;
}

Value Value::floating(double d)
{
    Value v;
    v.m_kind = Kind::Float;
    v.m_double = d;
    return v;
}

Value Value::string(std::string s)
{
    Value v;
    v.m_kind = Kind::String;
    v.m_string = std::move(s);
    return v;
}

Value Value::list(ValueList items, bool tuple)
{
    Value v;
    v.m_kind = Kind::List;
    v.m_list = std::make_shared<List>(List{std::move(items), tuple});
    return v;
}

Value Value::dict(NamedValues entries)
{
    Value v;
    v.m_kind = Kind::Dict;
    v.m_dict = std::make_shared<Dict>(Dict{std::move(entries), false});
    return v;
}

Value Value::function(Function fn, std::string name)
{
    Value v;
    v.m_kind = Kind::Function;
    v.m_fn = std::make_shared<Function>(std::move(fn));
    v.m_string = std::move(name);
    return v;
}

bool Value::truthy() const
{
    switch (m_kind) {
    case Kind::Undefined:
    case Kind::None: return false;
    case Kind::Bool: return m_bool;
    case Kind::Int: return m_int != 0;
    case Kind::Float: return m_double != 0.0;
    case Kind::String: return !m_string.empty();
    case Kind::List: return !m_list->items.empty();
    case Kind::Dict: return m_dict->isNamespace || !m_dict->entries.empty();
    case Kind::Function: return true;
    }
    return false;
}

std::string formatFloat(double d)
{
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d > 0 ? "inf" : "-inf";
    if (d == std::floor(d) && std::fabs(d) < 1e16) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", d);
        return buf;
    }
    // The shortest representation that reads back as the same double, as Python does.
    char buf[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, d);
        if (std::strtod(buf, nullptr) == d)
            break;
    }
    return buf;
}

namespace {

std::string quotePython(const std::string &s)
{
    // Python prefers single quotes unless the text has one and no double quote.
    const bool useDouble = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
    const char q = useDouble ? '"' : '\'';
    std::string out(1, q);
    for (const char c : s) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c == q)
                out += '\\';
            out += c;
        }
    }
    out += q;
    return out;
}

} // namespace

std::string Value::str() const
{
    switch (m_kind) {
    case Kind::Undefined: return {};
    case Kind::String: return m_string;
    default: return repr();
    }
}

std::string Value::repr() const
{
    switch (m_kind) {
    case Kind::Undefined: return {};
    case Kind::None: return "None";
    case Kind::Bool: return m_bool ? "True" : "False";
    case Kind::Int: return std::to_string(m_int);
    case Kind::Float: return formatFloat(m_double);
    case Kind::String: return quotePython(m_string);
    case Kind::List: {
        std::string out = m_list->isTuple ? "(" : "[";
        for (size_t i = 0; i < m_list->items.size(); ++i)
            out += (i ? ", " : "") + m_list->items[i].repr();
        if (m_list->isTuple && m_list->items.size() == 1)
            out += ",";
        return out + (m_list->isTuple ? ")" : "]");
    }
    case Kind::Dict: {
        if (m_dict->isNamespace)
            return "<Namespace>";
        std::string out = "{";
        for (size_t i = 0; i < m_dict->entries.size(); ++i)
            out += (i ? ", " : "") + quotePython(m_dict->entries[i].first) + ": " + m_dict->entries[i].second.repr();
        return out + "}";
    }
    case Kind::Function: return "<function " + m_string + ">";
    }
    return {};
}

std::string Value::typeName() const
{
    switch (m_kind) {
    case Kind::Undefined: return "undefined";
    case Kind::None: return "NoneType";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::List: return m_list->isTuple ? "tuple" : "list";
    case Kind::Dict: return m_dict->isNamespace ? "Namespace" : "dict";
    case Kind::Function: return "function";
    }
    return {};
}

Value Value::fromJson(const nlohmann::ordered_json &j, int maxDepth)
{
    if ((j.is_array() || j.is_object()) && maxDepth <= 0)
        throw EvalError("JSON nested too deeply");
    switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: return none();
    case nlohmann::ordered_json::value_t::boolean: return boolean(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return integer(j.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: return integer(static_cast<std::int64_t>(j.get<std::uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float: return floating(j.get<double>());
    case nlohmann::ordered_json::value_t::string: return string(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
        ValueList items;
        items.reserve(j.size());
        for (const auto &item : j)
            items.push_back(fromJson(item, maxDepth - 1));
        return list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
        NamedValues entries;
        entries.reserve(j.size());
        for (auto it = j.begin(); it != j.end(); ++it)
            entries.emplace_back(it.key(), fromJson(it.value(), maxDepth - 1));
        return dict(std::move(entries));
    }
    default: return undefined();
    }
}

nlohmann::ordered_json Value::toJson() const
{
    switch (m_kind) {
    case Kind::Undefined:
    case Kind::None:
    case Kind::Function: return nullptr;
    case Kind::Bool: return m_bool;
    case Kind::Int: return m_int;
    case Kind::Float: return m_double;
    case Kind::String: return m_string;
    case Kind::List: {
        auto out = nlohmann::ordered_json::array();
        for (const auto &item : m_list->items)
            out.push_back(item.toJson());
        return out;
    }
    case Kind::Dict: {
        auto out = nlohmann::ordered_json::object();
        for (const auto &[key, value] : m_dict->entries)
            out[key] = value.toJson();
        return out;
    }
    }
    return nullptr;
}

void checkInsert(const Value &container, const Value &inserted)
{
    constexpr size_t kMaxNesting = 1000;
    const void *target = container.isList() ? static_cast<const void *>(&container.listRef())
                                            : static_cast<const void *>(&container.dictRef());
    std::vector<std::pair<const Value *, size_t>> stack{{&inserted, 1}}; // iterative: no recursion
    while (!stack.empty()) {
        const auto [v, depth] = stack.back();
        stack.pop_back();
        if (depth > kMaxNesting)
            throw EvalError("values nested too deeply");
        if (v->isList()) {
            if (&v->listRef() == target)
                throw EvalError("a list or namespace cannot contain itself");
            for (const auto &item : v->items())
                stack.emplace_back(&item, depth + 1);
        } else if (v->isDict()) {
            if (&v->dictRef() == target)
                throw EvalError("a list or namespace cannot contain itself");
            for (const auto &entry : v->dictRef().entries)
                stack.emplace_back(&entry.second, depth + 1);
        }
    }
}

bool equals(const Value &a, const Value &b)
{
    const bool aNum = a.isNumber() || a.isBool();
    const bool bNum = b.isNumber() || b.isBool();
    if (aNum && bNum)
        return a.asNumber() == b.asNumber();
    if (a.kind() != b.kind())
        return false;
    switch (a.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::None: return true;
    case Value::Kind::String: return a.asString() == b.asString();
    case Value::Kind::List: {
        if (a.items().size() != b.items().size())
            return false;
        for (size_t i = 0; i < a.items().size(); ++i)
            if (!equals(a.items()[i], b.items()[i]))
                return false;
        return true;
    }
    case Value::Kind::Dict: {
        const auto &ea = a.dictRef().entries;
        if (ea.size() != b.dictRef().entries.size())
            return false;
        for (const auto &[key, value] : ea) {
            const Value *other = b.dictRef().find(key);
            if (!other || !equals(value, *other))
                return false;
        }
        return true;
    }
    case Value::Kind::Function: return &a.fn() == &b.fn();
    default: return false;
    }
}

} // namespace rlrf::jinja
