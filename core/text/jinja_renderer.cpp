#include "core/text/jinja_renderer.h"

#include <algorithm>
#include <cstdio>

namespace dlm::jinja {

namespace {

std::string formatSeconds(double seconds)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g s", seconds);
    return text;
}

// Errors from builtins carry no position; the statement or expression that ran them adds its line.
[[noreturn]] void rethrowAt(const Error &e, int line)
{
    if (e.line() != 0)
        throw e;
    throw Error(e.what(), line);
}

} // namespace

Renderer::Renderer(const Dict &variables, const JinjaLimits &limits)
    : m_root(std::make_shared<Scope>())
    , m_limits(limits)
{
    m_deadline = std::chrono::steady_clock::now()
        + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(std::max(0.0, std::min(limits.maxSeconds, 1e6))));
    m_operationLimits.maxStringBytes = limits.maxOutputBytes;
    m_operationLimits.maxListItems = static_cast<size_t>(std::max<int64_t>(0, limits.maxLoopIterations));
    const Dict globals = defaultGlobals(m_operationLimits);
    for (const auto &item : globals.items())
        m_root->vars[item.first] = item.second;
    for (const auto &item : variables.items())
        m_root->vars[item.first] = item.second;
}

std::string Renderer::run(const NodeList &nodes)
{
    std::string out;
    const Flow flow = execute(nodes, m_root, out);
    if (flow != Flow::Normal)
        throw Error("'break' or 'continue' outside a for loop");
    return out;
}

void Renderer::emit(std::string &out, const std::string &text)
{
    m_bytes += text.size();
    if (m_bytes > m_limits.maxOutputBytes)
        throw Error("template output exceeds the limit of " + std::to_string(m_limits.maxOutputBytes) + " bytes");
    out += text;
}

void Renderer::countIteration()
{
    if (++m_iterations > m_limits.maxLoopIterations)
        throw Error("template loops exceed the limit of " + std::to_string(m_limits.maxLoopIterations) + " iterations");
    checkTime();
}

void Renderer::checkTime()
{
    if (std::chrono::steady_clock::now() > m_deadline)
        throw Error("rendering the template exceeds the time limit of " + formatSeconds(m_limits.maxSeconds));
}

Renderer::Flow Renderer::execute(const NodeList &nodes, const ScopePtr &scope, std::string &out)
{
    for (const auto &node : nodes) {
        const Flow flow = executeNode(*node, scope, out);
        if (flow != Flow::Normal)
            return flow;
    }
    return Flow::Normal;
}

Renderer::Flow Renderer::executeNode(const Node &node, const ScopePtr &scope, std::string &out)
{
    try {
        switch (node.kind) {
        case Node::Kind::Text:
            emit(out, node.text);
            break;
        case Node::Kind::Output:
            emit(out, eval(*node.expr, scope).str());
            break;
        case Node::Kind::If:
            for (const auto &branch : node.branches)
                if (!branch.first || eval(*branch.first, scope).truthy())
                    return execute(branch.second, scope, out);
            break;
        case Node::Kind::For:
            return executeFor(node, scope, out);
        case Node::Kind::Set:
            executeSet(node, scope);
            break;
        case Node::Kind::SetBlock: {
            std::string captured;
            execute(node.body, scope, captured);
            scope->vars[node.targets[0]] = Value(captured);
            break;
        }
        case Node::Kind::Macro:
            defineMacro(node, scope);
            break;
        case Node::Kind::Break:
            return Flow::Break;
        case Node::Kind::Continue:
            return Flow::Continue;
        case Node::Kind::Block:
            return execute(node.body, scope, out);
        case Node::Kind::CallBlock:
            emit(out, callWithCaller(node, scope).str());
            break;
        }
    } catch (const Error &e) {
        rethrowAt(e, node.line);
    }
    return Flow::Normal;
}

Renderer::Flow Renderer::executeFor(const Node &node, const ScopePtr &scope, std::string &out)
{
    ValueList items = iterate(eval(*node.expr, scope));
    if (node.filter) {
        ValueList kept;
        for (const auto &item : items) {
            countIteration();
            auto probe = std::make_shared<Scope>();
            probe->parent = scope;
            assign(node.targets, item, *probe, node.line);
            if (eval(*node.filter, probe).truthy())
                kept.push_back(item);
        }
        items = std::move(kept);
    }
    if (items.empty())
        return execute(node.elseBody, scope, out); // a break there belongs to an enclosing loop
    const int64_t length = static_cast<int64_t>(items.size());
    for (int64_t i = 0; i < length; ++i) {
        countIteration();
        auto inner = std::make_shared<Scope>();
        inner->parent = scope;
        assign(node.targets, items[static_cast<size_t>(i)], *inner, node.line);
        Dict loop;
        loop.set("index", Value(i + 1));
        loop.set("index0", Value(i));
        loop.set("revindex", Value(length - i));
        loop.set("revindex0", Value(length - i - 1));
        loop.set("first", Value(i == 0));
        loop.set("last", Value(i == length - 1));
        loop.set("length", Value(length));
        loop.set("depth", Value(int64_t(1)));
        loop.set("depth0", Value(int64_t(0)));
        loop.set("previtem", i > 0 ? items[static_cast<size_t>(i - 1)] : Value::undefined("there is no previous item"));
        loop.set(
            "nextitem", i + 1 < length ? items[static_cast<size_t>(i + 1)] : Value::undefined("there is no next item"));
        inner->vars["loop"] = Value(std::move(loop));
        if (execute(node.body, inner, out) == Flow::Break)
            break;
    }
    return Flow::Normal;
}

void Renderer::assign(const std::vector<std::string> &targets, const Value &value, Scope &scope, int line)
{
    if (targets.size() == 1) {
        scope.vars[targets[0]] = value;
        return;
    }
    const ValueList items = iterate(value);
    if (items.size() != targets.size())
        throw Error("cannot unpack " + std::to_string(items.size()) + " values into " + std::to_string(targets.size())
                + " names",
            line);
    for (size_t i = 0; i < targets.size(); ++i)
        scope.vars[targets[i]] = items[i];
}

void Renderer::executeSet(const Node &node, const ScopePtr &scope)
{
    Value value = eval(*node.expr, scope);
    if (node.attribute.empty()) {
        assign(node.targets, value, *scope, node.line);
        return;
    }
    Value target = lookup(node.targets[0], scope);
    if (!target.isNamespace())
        throw Error("cannot assign attribute on non-namespace object '" + node.targets[0] + "'");
    if (value.isNamespace() || value.holdsNamespace())
        throw Error("a namespace cannot be stored in a namespace here");
    target.dict().set(node.attribute, std::move(value));
}

void Renderer::defineMacro(const Node &node, const ScopePtr &scope)
{
    std::weak_ptr<Scope> defining = scope; // weak: the macro is stored in this scope, so no cycle
    const Node *macro = &node;
    scope->vars[node.name]
        = Value::function(node.name, [this, macro, defining](const ValueList &a, const KeywordArgs &k) {
              return callMacro(*macro, defining, a, k);
          });
}

Value Renderer::callMacro(
    const Node &node, const std::weak_ptr<Scope> &defining, const ValueList &args, const KeywordArgs &kwargs)
{
    if (m_callDepth >= m_limits.maxCallDepth)
        throw Error("macro calls nest deeper than the limit of " + std::to_string(m_limits.maxCallDepth));
    if (++m_macroCalls > m_limits.maxMacroCalls)
        throw Error("the template calls macros more often than the limit of " + std::to_string(m_limits.maxMacroCalls));
    checkTime();
    auto parent = defining.lock();
    if (!parent)
        throw Error("macro '" + node.name + "' is called outside the block it was defined in");
    if (args.size() > node.params.size())
        throw Error(
            "macro '" + node.name + "' takes not more than " + std::to_string(node.params.size()) + " argument(s)");
    auto scope = std::make_shared<Scope>();
    scope->parent = parent;
    for (const auto &kw : kwargs) {
        if (kw.first == "caller") // from a {% call %} block
            scope->vars["caller"] = kw.second;
        else if (std::find(node.params.begin(), node.params.end(), kw.first) == node.params.end())
            throw Error("macro '" + node.name + "' takes no keyword argument '" + kw.first + "'");
    }
    for (size_t i = 0; i < node.params.size(); ++i) {
        Value v = argument(
            args, kwargs, i, node.params[i].c_str(), Value::undefined("'" + node.params[i] + "' is undefined"));
        if (v.isUndefined() && node.defaults[i])
            v = eval(*node.defaults[i], scope);
        scope->vars[node.params[i]] = v;
    }
    ++m_callDepth;
    std::string out;
    try {
        execute(node.body, scope, out);
    } catch (...) {
        --m_callDepth;
        throw;
    }
    --m_callDepth;
    return Value(out);
}

// {% call m(args) %}body{% endcall %}: m runs with `caller()` bound to rendering body where the call stands.
Value Renderer::callWithCaller(const Node &node, const ScopePtr &scope)
{
    const Expr &call = *node.expr;
    const Value callee = eval(*call.args[0], scope);
    if (!callee.isFunction())
        throw Error("a call block needs a macro, not " + callee.typeName());
    ValueList args;
    KeywordArgs kwargs;
    evalArguments(call, 1, scope, args, kwargs);
    std::weak_ptr<Scope> where = scope;
    const Node *block = &node;
    kwargs.emplace_back(
        "caller", Value::function("caller", [this, block, where](const ValueList &, const KeywordArgs &) {
            auto parent = where.lock();
            if (!parent)
                throw Error("caller() is called outside its call block");
            auto inner = std::make_shared<Scope>();
            inner->parent = parent;
            std::string out;
            execute(block->body, inner, out);
            return Value(out);
        }));
    return callee.fn()(args, kwargs);
}

Value Renderer::lookup(const std::string &name, const ScopePtr &scope) const
{
    for (const Scope *s = scope.get(); s; s = s->parent.get()) {
        const auto it = s->vars.find(name);
        if (it != s->vars.end())
            return it->second;
    }
    return Value::undefined("'" + name + "' is undefined");
}

Value Renderer::eval(const Expr &e, const ScopePtr &scope)
{
    try {
        switch (e.kind) {
        case Expr::Kind::Literal:
            return e.literal;
        case Expr::Kind::Name:
            return lookup(e.name, scope);
        case Expr::Kind::List: {
            ValueList items;
            for (const auto &a : e.args)
                items.push_back(eval(*a, scope));
            return e.name == "tuple" ? Value::tuple(std::move(items)) : Value(std::move(items));
        }
        case Expr::Kind::Dict: {
            Dict d;
            for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
                const Value key = eval(*e.args[i], scope);
                if (!key.isString())
                    throw Error("dict keys must be strings here, not " + key.typeName());
                d.set(key.asString(), eval(*e.args[i + 1], scope));
            }
            return Value(std::move(d));
        }
        case Expr::Kind::Unary: {
            const Value v = eval(*e.args[0], scope);
            if (!v.isNumber())
                throw Error("bad operand type for unary " + e.name + ": '" + v.typeName() + "'");
            if (e.name == "+")
                return v.isInt() ? Value(v.asInt()) : v;
            return v.isInt() ? Value(-v.asInt()) : Value(-v.asDouble());
        }
        case Expr::Kind::Not:
            return Value(!eval(*e.args[0], scope).truthy());
        case Expr::Kind::And: {
            Value left = eval(*e.args[0], scope);
            return left.truthy() ? eval(*e.args[1], scope) : left;
        }
        case Expr::Kind::Or: {
            Value left = eval(*e.args[0], scope);
            return left.truthy() ? left : eval(*e.args[1], scope);
        }
        case Expr::Kind::Binary:
            return binaryOp(e.name, eval(*e.args[0], scope), eval(*e.args[1], scope), m_operationLimits);
        case Expr::Kind::Compare:
            return evalCompare(e, scope);
        case Expr::Kind::Ternary:
            if (eval(*e.args[1], scope).truthy())
                return eval(*e.args[0], scope);
            return e.args[2] ? eval(*e.args[2], scope) : Value::undefined("the inline if expression had no else");
        case Expr::Kind::Attribute:
            return getAttribute(eval(*e.args[0], scope), e.name, m_operationLimits);
        case Expr::Kind::Item:
            return getItem(eval(*e.args[0], scope), eval(*e.args[1], scope));
        case Expr::Kind::Slice: {
            auto part = [&](size_t i) { return e.args[i] ? eval(*e.args[i], scope) : Value(); };
            return getSlice(eval(*e.args[0], scope), part(1), part(2), part(3));
        }
        case Expr::Kind::Call:
            return evalCall(e, scope);
        case Expr::Kind::Filter: {
            if (!hasFilter(e.name))
                throw Error("no filter named '" + e.name + "'");
            ValueList args;
            KeywordArgs kwargs;
            evalArguments(e, 1, scope, args, kwargs);
            return applyFilter(e.name, eval(*e.args[0], scope), args, kwargs, m_operationLimits);
        }
        case Expr::Kind::Test: {
            if (!hasTest(e.name))
                throw Error("no test named '" + e.name + "'");
            ValueList args;
            KeywordArgs kwargs;
            evalArguments(e, 1, scope, args, kwargs);
            return Value(applyTest(e.name, eval(*e.args[0], scope), args) != e.negated);
        }
        }
    } catch (const Error &err) {
        rethrowAt(err, e.line);
    }
    return Value();
}

Value Renderer::evalCompare(const Expr &e, const ScopePtr &scope)
{
    Value left = eval(*e.args[0], scope);
    for (size_t i = 0; i < e.ops.size(); ++i) {
        Value right = eval(*e.args[i + 1], scope);
        const std::string &op = e.ops[i];
        bool result;
        if (op == "in" || op == "not in")
            result = contains(right, left) == (op == "in");
        else if (op == "==" || op == "!=")
            result = equals(left, right) == (op == "==");
        else {
            if (left.isUndefined())
                failUndefined(left);
            if (right.isUndefined())
                failUndefined(right);
            result = op == "<" ? lessThan(left, right)
                : op == ">"    ? lessThan(right, left)
                : op == "<="   ? !lessThan(right, left)
                               : !lessThan(left, right);
        }
        if (!result)
            return Value(false);
        left = std::move(right);
    }
    return Value(true);
}

void Renderer::evalArguments(const Expr &e, size_t first, const ScopePtr &scope, ValueList &args, KeywordArgs &kwargs)
{
    for (size_t i = first; i < e.args.size(); ++i)
        args.push_back(eval(*e.args[i], scope));
    for (const auto &kw : e.kwargs)
        kwargs.emplace_back(kw.first, eval(*kw.second, scope));
}

Value Renderer::evalCall(const Expr &e, const ScopePtr &scope)
{
    const Value callee = eval(*e.args[0], scope);
    if (callee.isUndefined())
        failUndefined(callee);
    if (!callee.isFunction())
        throw Error("'" + callee.typeName() + "' object is not callable");
    ValueList args;
    KeywordArgs kwargs;
    evalArguments(e, 1, scope, args, kwargs);
    return callee.fn()(args, kwargs);
}

} // namespace dlm::jinja
