#pragma once
// The syntax tree of a parsed Jinja2 template: expressions and statements, each with the line it came from
// so that run-time errors name it too.

#include "core/text/jinja_value.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dlm::jinja {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/** An expression. Which fields are used depends on the kind (see the comments). */
struct Expr
{
    enum class Kind {
        Literal, // literal
        Name, // name
        List, // args: elements (tuples are lists too)
        Dict, // args: key, value, key, value, ...
        Unary, // name: "-" or "+"; args[0]
        Not, // args[0]
        And, // args[0], args[1]
        Or, // args[0], args[1]
        Binary, // name: operator; args[0], args[1]
        Compare, // args[0] ops[0] args[1] ops[1] args[2] ... (chained as in Python)
        Ternary, // args: value, condition, else value (may be null)
        Attribute, // args[0].name
        Item, // args[0][args[1]]
        Slice, // args[0][args[1]:args[2]:args[3]], missing parts null
        Call, // args[0](args[1..], kwargs)
        Filter, // args[0] | name(args[1..], kwargs)
        Test // args[0] is [not] name(args[1..]); negated
    };
    Kind kind = Kind::Literal;
    int line = 0;
    int column = 0;
    Value literal;
    std::string name;
    std::vector<std::string> ops;
    std::vector<ExprPtr> args;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    bool negated = false;
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using NodeList = std::vector<NodePtr>;

/** A statement or a piece of text. */
struct Node
{
    enum class Kind {
        Text, // text
        Output, // {{ expr }}
        If, // branches (condition null for else)
        For, // targets in expr [if filter] body [else elseBody]
        Set, // targets (or target.attribute) = expr
        SetBlock, // targets[0] = rendered body
        Macro, // name(params = defaults) body
        Break,
        Continue,
        Block, // body rendered as is ({% generation %})
        CallBlock // expr (a macro call) with `caller()` rendering body
    };
    Kind kind = Kind::Text;
    int line = 0;
    std::string text;
    ExprPtr expr;
    ExprPtr filter;
    std::vector<std::pair<ExprPtr, NodeList>> branches;
    std::vector<std::string> targets;
    std::string attribute;
    NodeList body;
    NodeList elseBody;
    std::string name;
    std::vector<std::string> params;
    std::vector<ExprPtr> defaults; // one per param, null where none
};

} // namespace dlm::jinja
