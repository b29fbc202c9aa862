#pragma once
// Runs a parsed template: statements, scopes (a for loop's body has its own, as in Jinja2), macros and
// expressions, counting output bytes, loop iterations, macro calls, call depth and time against the limits.

#include "core/text/jinja_ast.h"
#include "core/text/jinja_builtins.h"
#include "core/text/jinja_template.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace dlm::jinja {

/** One render of one template; throws jinja::Error with the line of what failed. */
class Renderer
{
public:
    Renderer(const Dict &variables, const JinjaLimits &limits);
    std::string run(const NodeList &nodes);

private:
    struct Scope
    {
        std::map<std::string, Value> vars;
        std::shared_ptr<Scope> parent;
    };
    using ScopePtr = std::shared_ptr<Scope>;
    enum class Flow { Normal, Break, Continue };

    Flow execute(const NodeList &nodes, const ScopePtr &scope, std::string &out);
    Flow executeNode(const Node &node, const ScopePtr &scope, std::string &out);
    Flow executeFor(const Node &node, const ScopePtr &scope, std::string &out);
    void executeSet(const Node &node, const ScopePtr &scope);
    void defineMacro(const Node &node, const ScopePtr &scope);
    Value callMacro(
        const Node &node, const std::weak_ptr<Scope> &defining, const ValueList &args, const KeywordArgs &kwargs);
    Value callWithCaller(const Node &node, const ScopePtr &scope);
    void assign(const std::vector<std::string> &targets, const Value &value, Scope &scope, int line);

    Value eval(const Expr &e, const ScopePtr &scope);
    Value evalCompare(const Expr &e, const ScopePtr &scope);
    Value evalCall(const Expr &e, const ScopePtr &scope);
    void evalArguments(const Expr &e, size_t first, const ScopePtr &scope, ValueList &args, KeywordArgs &kwargs);
    Value lookup(const std::string &name, const ScopePtr &scope) const;

    void emit(std::string &out, const std::string &text);
    void countIteration();
    void checkTime();

    ScopePtr m_root;
    JinjaLimits m_limits;
    OperationLimits m_operationLimits;
    size_t m_bytes = 0;
    int64_t m_iterations = 0;
    int m_callDepth = 0;
    int64_t m_macroCalls = 0;
    std::chrono::steady_clock::time_point m_deadline;
};

} // namespace dlm::jinja
