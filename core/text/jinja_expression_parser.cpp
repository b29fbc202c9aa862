#include "core/text/jinja_expression_parser.h"

#include <cerrno>
#include <cstdlib>

namespace dlm::jinja {

// A comma-separated list outside brackets is a tuple: `set a = 1, 2`, `for x in 1, 2`.
ExprPtr ExpressionParser::parseTuple(bool withCondition)
{
    const Token &start = current();
    ExprPtr first = withCondition ? parseExpression() : parseOr();
    if (!isOp(","))
        return first;
    auto list = make(Expr::Kind::List, start);
    list->name = "tuple";
    list->args.push_back(std::move(first));
    while (skipOp(",")) {
        if (current().type == TokenType::BlockEnd || current().type == TokenType::VariableEnd || isName("if")
            || isOp(")"))
            break;
        list->args.push_back(withCondition ? parseExpression() : parseOr());
    }
    return list;
}

ExprPtr ExpressionParser::parseExpression()
{
    Depth depth(*this);
    ExprPtr value = parseOr();
    while (isName("if")) {
        auto t = make(Expr::Kind::Ternary, next());
        ExprPtr condition = parseOr();
        ExprPtr otherwise = skipName("else") ? parseExpression() : nullptr;
        t->args.push_back(std::move(value));
        t->args.push_back(std::move(condition));
        t->args.push_back(std::move(otherwise));
        value = std::move(t);
    }
    return value;
}

ExprPtr ExpressionParser::binary(Expr::Kind kind, const Token &at, ExprPtr left, ExprPtr right, std::string op)
{
    auto e = make(kind, at);
    e->name = std::move(op);
    e->args.push_back(std::move(left));
    e->args.push_back(std::move(right));
    return e;
}

ExprPtr ExpressionParser::parseOr()
{
    ExprPtr left = parseAnd();
    while (isName("or")) {
        const Token &at = next();
        left = binary(Expr::Kind::Or, at, std::move(left), parseAnd());
    }
    return left;
}

ExprPtr ExpressionParser::parseAnd()
{
    ExprPtr left = parseNot();
    while (isName("and")) {
        const Token &at = next();
        left = binary(Expr::Kind::And, at, std::move(left), parseNot());
    }
    return left;
}

ExprPtr ExpressionParser::parseNot()
{
    if (isName("not")) {
        Depth depth(*this);
        auto e = make(Expr::Kind::Not, next());
        e->args.push_back(parseNot());
        return e;
    }
    return parseCompare();
}

ExprPtr ExpressionParser::parseCompare()
{
    const Token &start = current();
    ExprPtr first = parseMath1();
    ExprPtr cmp;
    while (true) {
        std::string op;
        if (current().type == TokenType::Operator
            && (isOp("==") || isOp("!=") || isOp("<") || isOp(">") || isOp("<=") || isOp(">=")))
            op = next().text;
        else if (isName("in"))
            op = next().text;
        else if (isName("not") && peek().type == TokenType::Name && peek().text == "in") {
            next();
            next();
            op = "not in";
        } else
            break;
        if (!cmp) {
            cmp = make(Expr::Kind::Compare, start);
            cmp->args.push_back(std::move(first));
        }
        cmp->ops.push_back(op);
        cmp->args.push_back(parseMath1());
    }
    return cmp ? std::move(cmp) : std::move(first);
}

ExprPtr ExpressionParser::parseMath1()
{
    ExprPtr left = parseConcat();
    while (isOp("+") || isOp("-")) {
        const Token &at = next();
        left = binary(Expr::Kind::Binary, at, std::move(left), parseConcat(), at.text);
    }
    return left;
}

ExprPtr ExpressionParser::parseConcat()
{
    ExprPtr left = parseMath2();
    while (isOp("~")) {
        const Token &at = next();
        left = binary(Expr::Kind::Binary, at, std::move(left), parseMath2(), "~");
    }
    return left;
}

ExprPtr ExpressionParser::parseMath2()
{
    ExprPtr left = parsePow();
    while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
        const Token &at = next();
        left = binary(Expr::Kind::Binary, at, std::move(left), parsePow(), at.text);
    }
    return left;
}

ExprPtr ExpressionParser::parsePow()
{
    ExprPtr left = parseUnary(true);
    while (isOp("**")) {
        const Token &at = next();
        left = binary(Expr::Kind::Binary, at, std::move(left), parseUnary(true), "**");
    }
    return left;
}

ExprPtr ExpressionParser::parseUnary(bool withFilter)
{
    Depth depth(*this);
    ExprPtr node;
    if (isOp("-") || isOp("+")) {
        const Token &at = next();
        node = make(Expr::Kind::Unary, at);
        node->name = at.text;
        node->args.push_back(parseUnary(false));
    } else {
        node = parsePostfix(parsePrimary());
    }
    return withFilter ? parseFilterExpr(std::move(node)) : std::move(node);
}

ExprPtr ExpressionParser::parsePrimary()
{
    const Token &t = current();
    switch (t.type) {
    case TokenType::Name: {
        next();
        auto e = make(Expr::Kind::Literal, t);
        if (t.text == "true" || t.text == "True")
            e->literal = Value(true);
        else if (t.text == "false" || t.text == "False")
            e->literal = Value(false);
        else if (t.text == "none" || t.text == "None")
            e->literal = Value::none();
        else {
            e->kind = Expr::Kind::Name;
            e->name = t.text;
        }
        return e;
    }
    case TokenType::String: {
        std::string s;
        while (current().type == TokenType::String)
            s += next().text;
        auto e = make(Expr::Kind::Literal, t);
        e->literal = Value(s);
        return e;
    }
    case TokenType::Integer: {
        next();
        auto e = make(Expr::Kind::Literal, t);
        errno = 0;
        const long long v = std::strtoll(t.text.c_str(), nullptr, 10);
        if (errno == ERANGE)
            fail("integer literal " + t.text + " is too large", t);
        e->literal = Value(static_cast<int64_t>(v));
        return e;
    }
    case TokenType::Float: {
        next();
        auto e = make(Expr::Kind::Literal, t);
        e->literal = Value(std::strtod(t.text.c_str(), nullptr));
        return e;
    }
    case TokenType::Operator:
        if (t.text == "(") {
            next();
            if (skipOp(")")) {
                auto empty = make(Expr::Kind::List, t);
                empty->name = "tuple";
                return empty;
            }
            ExprPtr inner = parseTuple(true);
            expectOp(")");
            return inner;
        }
        if (t.text == "[")
            return parseListLiteral();
        if (t.text == "{")
            return parseDictLiteral();
        break;
    default:
        break;
    }
    fail("unexpected " + describe(t));
}

ExprPtr ExpressionParser::parseListLiteral()
{
    auto list = make(Expr::Kind::List, next());
    while (!skipOp("]")) {
        if (!list->args.empty())
            expectOp(",");
        if (skipOp("]"))
            break;
        list->args.push_back(parseExpression());
    }
    return list;
}

ExprPtr ExpressionParser::parseDictLiteral()
{
    auto dict = make(Expr::Kind::Dict, next());
    while (!skipOp("}")) {
        if (!dict->args.empty())
            expectOp(",");
        if (skipOp("}"))
            break;
        dict->args.push_back(parseExpression());
        expectOp(":");
        dict->args.push_back(parseExpression());
    }
    return dict;
}

ExprPtr ExpressionParser::parsePostfix(ExprPtr node)
{
    while (true) {
        if (isOp(".") || isOp("["))
            node = parseSubscript(std::move(node));
        else if (isOp("("))
            node = parseCall(std::move(node));
        else
            return node;
    }
}

ExprPtr ExpressionParser::parseSubscript(ExprPtr node)
{
    const Token &at = next();
    if (at.text == ".") {
        if (current().type == TokenType::Integer) {
            auto e = make(Expr::Kind::Item, at);
            e->args.push_back(std::move(node));
            e->args.push_back(parsePrimary());
            return e;
        }
        auto e = make(Expr::Kind::Attribute, at);
        e->name = expectName("an attribute name after '.'");
        e->args.push_back(std::move(node));
        return e;
    }
    // '[': an index or a slice start:stop:step
    std::vector<ExprPtr> parts(1);
    bool slice = false;
    if (!isOp(":"))
        parts[0] = parseExpression();
    while (skipOp(":")) {
        slice = true;
        parts.emplace_back(isOp(":") || isOp("]") ? nullptr : parseExpression());
    }
    expectOp("]");
    if (slice && parts.size() > 3)
        fail("a slice has at most three parts (start:stop:step)", at);
    auto e = make(slice ? Expr::Kind::Slice : Expr::Kind::Item, at);
    e->args.push_back(std::move(node));
    for (auto &p : parts)
        e->args.push_back(std::move(p));
    while (slice && e->args.size() < 4)
        e->args.emplace_back(nullptr);
    return e;
}

void ExpressionParser::parseArguments(Expr &call)
{
    expectOp("(");
    bool first = true;
    while (!skipOp(")")) {
        if (!first)
            expectOp(",");
        first = false;
        if (skipOp(")"))
            break;
        if (isOp("*") || isOp("**"))
            fail("*args and **kwargs in calls are not supported by this template interpreter");
        if (current().type == TokenType::Name && peek().type == TokenType::Operator && peek().text == "=") {
            std::string key = next().text;
            next();
            call.kwargs.emplace_back(key, parseExpression());
        } else {
            if (!call.kwargs.empty())
                fail("positional argument follows keyword argument");
            call.args.push_back(parseExpression());
        }
    }
}

ExprPtr ExpressionParser::parseCall(ExprPtr node)
{
    auto e = make(Expr::Kind::Call, current());
    e->args.push_back(std::move(node));
    parseArguments(*e);
    return e;
}

ExprPtr ExpressionParser::parseFilterExpr(ExprPtr node)
{
    while (true) {
        if (isOp("|")) {
            next();
            auto e = make(Expr::Kind::Filter, current());
            e->name = expectName("a filter name after '|'");
            e->args.push_back(std::move(node));
            if (isOp("("))
                parseArguments(*e);
            node = std::move(e);
        } else if (isName("is")) {
            next();
            auto e = make(Expr::Kind::Test, current());
            e->negated = skipName("not");
            e->name = expectName("a test name after 'is'");
            e->args.push_back(std::move(node));
            const Token &t = current();
            if (isOp("(")) {
                parseArguments(*e);
            } else if ((t.type == TokenType::Name || t.type == TokenType::String || t.type == TokenType::Integer
                           || t.type == TokenType::Float || isOp("[") || isOp("{"))
                && !isName("else") && !isName("or") && !isName("and")) {
                if (isName("is"))
                    fail("you cannot chain multiple tests with 'is'");
                e->args.push_back(parsePostfix(parsePrimary()));
            }
            node = std::move(e);
        } else if (isOp("(")) {
            node = parseCall(std::move(node));
        } else {
            return node;
        }
    }
}

} // namespace dlm::jinja
