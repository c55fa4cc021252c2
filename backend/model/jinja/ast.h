// The syntax tree of a parsed template: expressions and statements, each with the
// source line it came from so that run-time errors can name it.
#pragma once

#include "model/jinja/value.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rlrf::jinja {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    enum class Kind {
        Literal,   // value
        Name,      // name
        List,      // args = items
        Tuple,     // args = items
        Dict,      // args = key, value, key, value, ...
        Attr,      // args[0].name
        Item,      // args[0][args[1]]
        Slice,     // args[0][args[1]:args[2]:args[3]] (null = omitted)
        Call,      // args[0](args[1..], kwargs)
        Filter,    // args[0] | name(args[1..], kwargs)
        Test,      // args[0] is [not] name(args[1..])
        Unary,     // name ("-", "+", "not") args[0]
        Binary,    // args[0] name args[1]; also "and", "or", "in", "not in", comparisons
        Ternary,   // args[1] if args[0] else args[2] (null = undefined)
    };
    Kind kind;
    int line = 0;
    std::string name;
    Value value;
    std::vector<ExprPtr> args;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    bool negated = false;
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using NodeList = std::vector<NodePtr>;

struct Node {
    enum class Kind {
        Text,      // text
        Output,    // {{ expr }}
        If,        // if expr: body else orElse (elif = an If inside orElse)
        For,       // for targets in expr [if filter]: body else orElse
        Set,       // set targets = expr, or set targets[0].attribute = expr
        SetBlock,  // set targets[0] %} body {% endset
        Macro,     // macro name(params with defaults): body
        CallBlock, // call(params) expr: body (the macro sees `caller`)
        Break,
        Continue,
    };
    Kind kind;
    int line = 0;
    std::string text;                // Text: output; Macro: name; Set: attribute
    ExprPtr expr;                    // condition / iterable / value / call
    ExprPtr filter;                  // For: the inline `if`
    std::vector<std::string> targets; // For/Set names; Macro/CallBlock parameter names
    std::vector<ExprPtr> defaults;   // Macro/CallBlock: default per parameter (null = none)
    NodeList body;
    NodeList orElse;
};

} // namespace rlrf::jinja
