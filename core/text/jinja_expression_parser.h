#pragma once
// The expression half of the template parser: a cursor over the tokens and Jinja2's operator precedence
// (ternary, or, and, not, comparisons, + -, ~, * / // %, **, unary, then filters, tests, calls and
// subscripts). The statement parser (jinja_parser.cpp) builds on it. Internal to the interpreter.

#include "core/text/jinja_ast.h"
#include "core/text/jinja_lexer.h"

#include <algorithm>
#include <string>
#include <vector>

namespace dlm::jinja {

// A hostile template could nest brackets or blocks until the parser's stack overflows.
constexpr int kMaxNesting = 200;

/** Parses expressions from a token list; throws jinja::Error naming the line and column. */
class ExpressionParser
{
public:
    explicit ExpressionParser(const std::vector<Token> &tokens)
        : m_tokens(tokens)
    {
    }

    /** An expression, or a comma-separated tuple of them (`set a = 1, 2`); without the ternary if asked. */
    ExprPtr parseTuple(bool withCondition);
    ExprPtr parseExpression();

protected:
    using TokenType = Token::Type;

    const Token &current() const { return m_tokens[m_pos]; }
    const Token &peek(size_t n = 1) const { return m_tokens[std::min(m_pos + n, m_tokens.size() - 1)]; }
    const Token &next() { return m_tokens[m_pos < m_tokens.size() - 1 ? m_pos++ : m_pos]; }

    [[noreturn]] void fail(const std::string &what, const Token &at) const { throw Error(what, at.line, at.column); }
    [[noreturn]] void fail(const std::string &what) const { fail(what, current()); }

    static std::string describe(const Token &t)
    {
        switch (t.type) {
        case TokenType::End:
            return "end of template";
        case TokenType::BlockEnd:
            return "end of statement block";
        case TokenType::VariableEnd:
            return "end of print statement";
        case TokenType::String:
            return "string";
        default:
            return "'" + t.text + "'";
        }
    }

    bool isOp(const char *op) const { return current().type == TokenType::Operator && current().text == op; }
    bool isName(const char *name) const { return current().type == TokenType::Name && current().text == name; }
    bool skipOp(const char *op)
    {
        if (!isOp(op))
            return false;
        next();
        return true;
    }
    bool skipName(const char *name)
    {
        if (!isName(name))
            return false;
        next();
        return true;
    }
    void expectOp(const char *op)
    {
        if (!skipOp(op))
            fail(std::string("expected '") + op + "', found " + describe(current()));
    }
    std::string expectName(const char *what)
    {
        if (current().type != TokenType::Name)
            fail(std::string("expected ") + what + ", found " + describe(current()));
        return next().text;
    }
    void expectBlockEnd()
    {
        if (current().type != TokenType::BlockEnd)
            fail("expected end of statement block, found " + describe(current()));
        next();
    }

    struct Depth
    {
        explicit Depth(ExpressionParser &p)
            : parser(p)
        {
            if (++parser.m_depth > kMaxNesting)
                parser.fail("template nests deeper than " + std::to_string(kMaxNesting) + " levels");
        }
        ~Depth() { --parser.m_depth; }
        ExpressionParser &parser;
    };

    ExprPtr make(Expr::Kind kind, const Token &at) const
    {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->line = at.line;
        e->column = at.column;
        return e;
    }

private:
    ExprPtr binary(Expr::Kind kind, const Token &at, ExprPtr left, ExprPtr right, std::string op = {});
    ExprPtr parseOr();
    ExprPtr parseAnd();
    ExprPtr parseNot();
    ExprPtr parseCompare();
    ExprPtr parseMath1();
    ExprPtr parseConcat();
    ExprPtr parseMath2();
    ExprPtr parsePow();
    ExprPtr parseUnary(bool withFilter);
    ExprPtr parsePrimary();
    ExprPtr parseListLiteral();
    ExprPtr parseDictLiteral();
    ExprPtr parsePostfix(ExprPtr node);
    ExprPtr parseSubscript(ExprPtr node);
    void parseArguments(Expr &call);
    ExprPtr parseCall(ExprPtr node);
    ExprPtr parseFilterExpr(ExprPtr node);

    const std::vector<Token> &m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;
};

} // namespace dlm::jinja
