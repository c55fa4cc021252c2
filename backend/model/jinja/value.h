// The values a chat template computes with, modelled on what Jinja2 sees in Python:
// undefined, None, booleans, integers, floats, strings, lists (and tuples), dicts
// (insertion-ordered, like Python's) and callables. Lists and dicts are shared by
// reference, as in Python, so `ns.x = ...` and `list.append()` are visible everywhere.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rlrf::jinja {

class Value;

using ValueList = std::vector<Value>;
using NamedValues = std::vector<std::pair<std::string, Value>>;

// Arguments of a call: positional, then keyword ones in the order written.
struct CallArgs {
    ValueList positional;
    NamedValues named;

    const Value *find(const std::string &name) const;
    // The argument at `index` or named `name`, or nullptr when neither was given.
    const Value *get(size_t index, const std::string &name) const;
};

using Function = std::function<Value(const CallArgs &)>;

// A dict that keeps insertion order (Python 3.7+ semantics).
struct Dict {
    NamedValues entries;
    bool isNamespace = false; // created by namespace(); allows `set ns.attr = ...`

    const Value *find(const std::string &key) const;
    void set(const std::string &key, Value value);
};

struct List {
    ValueList items;
    bool isTuple = false; // only changes how it prints
};

class Value {
public:
    enum class Kind { Undefined, None, Bool, Int, Float, String, List, Dict, Function };

    Value() = default; // undefined
    static Value undefined(std::string hint = {});
    static Value none();
    static Value boolean(bool b);
    static Value integer(std::int64_t i);
    static Value floating(double d);
    static Value string(std::string s);
    static Value list(ValueList items = {}, bool tuple = false);
    static Value dict(NamedValues entries = {});
    static Value function(Function fn, std::string name);

    Kind kind() const { return m_kind; }
    bool isUndefined() const { return m_kind == Kind::Undefined; }
    bool isNone() const { return m_kind == Kind::None; }
    bool isBool() const { return m_kind == Kind::Bool; }
    bool isInt() const { return m_kind == Kind::Int; }
    bool isFloat() const { return m_kind == Kind::Float; }
    bool isNumber() const { return m_kind == Kind::Int || m_kind == Kind::Float; }
    bool isString() const { return m_kind == Kind::String; }
    bool isList() const { return m_kind == Kind::List; }
    bool isDict() const { return m_kind == Kind::Dict; }
    bool isFunction() const { return m_kind == Kind::Function; }

    bool asBool() const { return m_bool; }
    std::int64_t asInt() const { return m_int; }
    double asNumber() const { return m_kind == Kind::Int || m_kind == Kind::Bool ? double(m_int) : m_double; }
    const std::string &asString() const { return m_string; }
    // For Undefined: why it is undefined ("'x' is undefined"); for a function: its name.
    const std::string &hint() const { return m_string; }
    List &listRef() const { return *m_list; }
    const ValueList &items() const { return m_list->items; }
    Dict &dictRef() const { return *m_dict; }
    const Function &fn() const { return *m_fn; }

    // Python truthiness.
    bool truthy() const;
    // Python's str(): what `{{ value }}` prints.
    std::string str() const;
    // Python's repr() (strings quoted), used inside printed lists and dicts.
    std::string repr() const;
    // Jinja's type names for messages: "str", "list", "dict", ...
    std::string typeName() const;

    // Throws EvalError beyond `maxDepth` levels of nesting (hostile input).
    static Value fromJson(const nlohmann::ordered_json &j, int maxDepth = 256);
    // Same order of keys as the source; undefined becomes null.
    nlohmann::ordered_json toJson() const;

private:
    Kind m_kind = Kind::Undefined;
    bool m_bool = false;
    std::int64_t m_int = 0;
    double m_double = 0;
    std::string m_string;
    std::shared_ptr<List> m_list;
    std::shared_ptr<Dict> m_dict;
    std::shared_ptr<Function> m_fn;
};

// Before `inserted` goes into `container` (ns.attr = ..., list.append(...)): throws
// EvalError if that would make the container hold itself or nest beyond a sane
// depth. Values are reference-counted, so a cycle would never be freed, and very
// deep nesting would overflow the stack when freed.
void checkInsert(const Value &container, const Value &inserted);

// Python `==` between template values (1 == 1.0 == True, deep for lists and dicts).
bool equals(const Value &a, const Value &b);

// Python float repr: 1.0, 0.1, 1e+16.
std::string formatFloat(double d);

} // namespace rlrf::jinja
