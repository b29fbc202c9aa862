#include "core/text/jinja_parser.h"

#include <cerrno>
#include <cstdlib>
#include <set>

namespace dlm::jinja {

namespace {

// A hostile template could nest brackets or blocks until the parser's stack overflows.
constexpr int kMaxNesting = 200;

class Parser
{
public:
    explicit Parser(const std::vector<Token> &tokens)
        : m_tokens(tokens)
    {
    }

    NodeList parseAll()
    {
        std::string endTag;
        NodeList nodes = parseBody({}, endTag);
        return nodes;
    }

private:
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
        explicit Depth(Parser &p)
            : parser(p)
        {
            if (++parser.m_depth > kMaxNesting)
                parser.fail("template nests deeper than " + std::to_string(kMaxNesting) + " levels");
        }
        ~Depth() { --parser.m_depth; }
        Parser &parser;
    };

    ExprPtr make(Expr::Kind kind, const Token &at) const
    {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->line = at.line;
        e->column = at.column;
        return e;
    }

    // ---- statements -------------------------------------------------------------------------------------

    NodeList parseBody(const std::set<std::string> &endTags, std::string &endTag)
    {
        Depth depth(*this);
        NodeList nodes;
        while (true) {
            const Token &t = current();
            if (t.type == TokenType::End) {
                for (const auto &tag : endTags)
                    if (tag.rfind("end", 0) == 0)
                        fail("unexpected end of template; expected '" + tag + "'");
                return nodes;
            }
            if (t.type == TokenType::Text) {
                auto n = std::make_unique<Node>();
                n->kind = Node::Kind::Text;
                n->line = t.line;
                n->text = t.text;
                nodes.push_back(std::move(n));
                next();
            } else if (t.type == TokenType::VariableBegin) {
                next();
                auto n = std::make_unique<Node>();
                n->kind = Node::Kind::Output;
                n->line = t.line;
                n->expr = parseTuple(true);
                if (current().type != TokenType::VariableEnd)
                    fail("expected end of print statement, found " + describe(current()));
                next();
                nodes.push_back(std::move(n));
            } else if (t.type == TokenType::BlockBegin) {
                const Token &tag = peek();
                if (tag.type == TokenType::Name && endTags.count(tag.text)) {
                    next();
                    endTag = next().text;
                    return nodes;
                }
                next();
                nodes.push_back(parseStatement());
            } else {
                fail("unexpected " + describe(t));
            }
        }
    }

    NodePtr parseStatement()
    {
        const Token &tag = current();
        if (tag.type != TokenType::Name)
            fail("expected a statement name after '{%', found " + describe(tag));
        const std::string name = next().text;
        auto n = std::make_unique<Node>();
        n->line = tag.line;
        if (name == "if")
            parseIf(*n);
        else if (name == "for")
            parseFor(*n);
        else if (name == "set")
            parseSet(*n);
        else if (name == "macro")
            parseMacro(*n);
        else if (name == "break" || name == "continue") {
            n->kind = name == "break" ? Node::Kind::Break : Node::Kind::Continue;
            expectBlockEnd();
        } else if (name == "generation") {
            n->kind = Node::Kind::Block;
            expectBlockEnd();
            std::string end;
            n->body = parseBody({"endgeneration"}, end);
            expectBlockEnd();
        } else {
            static const std::set<std::string> known = {"block", "extends", "include", "import", "from", "with", "call",
                "filter", "raw", "autoescape", "print"};
            if (known.count(name))
                fail("the '" + name + "' tag is not supported by this template interpreter", tag);
            if (name.rfind("end", 0) == 0 || name == "elif" || name == "else")
                fail("unexpected '" + name + "' (no open block it could close)", tag);
            fail("unknown tag '" + name + "'", tag);
        }
        return n;
    }

    void parseIf(Node &n)
    {
        n.kind = Node::Kind::If;
        ExprPtr condition = parseTuple(true);
        while (true) {
            expectBlockEnd();
            std::string end;
            NodeList body = parseBody({"elif", "else", "endif"}, end);
            n.branches.emplace_back(std::move(condition), std::move(body));
            if (end == "elif") {
                condition = parseTuple(true);
                continue;
            }
            if (end == "else") {
                expectBlockEnd();
                NodeList elseBody = parseBody({"endif"}, end);
                n.branches.emplace_back(nullptr, std::move(elseBody));
            }
            expectBlockEnd();
            return;
        }
    }

    void parseTargets(Node &n)
    {
        const bool parens = skipOp("(");
        n.targets.push_back(expectName("a loop variable name"));
        while (skipOp(","))
            n.targets.push_back(expectName("a loop variable name"));
        if (parens)
            expectOp(")");
    }

    void parseFor(Node &n)
    {
        n.kind = Node::Kind::For;
        parseTargets(n);
        if (!skipName("in"))
            fail("expected 'in' in for loop, found " + describe(current()));
        n.expr = parseTuple(false);
        if (skipName("if"))
            n.filter = parseTuple(true);
        if (isName("recursive"))
            fail("recursive for loops are not supported by this template interpreter");
        expectBlockEnd();
        std::string end;
        n.body = parseBody({"else", "endfor"}, end);
        if (end == "else") {
            expectBlockEnd();
            n.elseBody = parseBody({"endfor"}, end);
        }
        expectBlockEnd();
    }

    void parseSet(Node &n)
    {
        n.kind = Node::Kind::Set;
        n.targets.push_back(expectName("a variable name"));
        if (skipOp("."))
            n.attribute = expectName("an attribute name");
        else
            while (skipOp(","))
                n.targets.push_back(expectName("a variable name"));
        if (skipOp("=")) {
            n.expr = parseTuple(true);
            expectBlockEnd();
            return;
        }
        if (n.targets.size() != 1 || !n.attribute.empty())
            fail("expected '=' in set statement, found " + describe(current()));
        if (isOp("|"))
            fail("filtered set blocks are not supported by this template interpreter");
        n.kind = Node::Kind::SetBlock;
        expectBlockEnd();
        std::string end;
        n.body = parseBody({"endset"}, end);
        expectBlockEnd();
    }

    void parseMacro(Node &n)
    {
        n.kind = Node::Kind::Macro;
        n.name = expectName("a macro name");
        expectOp("(");
        while (!skipOp(")")) {
            if (!n.params.empty())
                expectOp(",");
            if (skipOp(")"))
                break;
            n.params.push_back(expectName("a parameter name"));
            n.defaults.push_back(skipOp("=") ? parseExpression() : nullptr);
        }
        expectBlockEnd();
        std::string end;
        n.body = parseBody({"endmacro"}, end);
        expectBlockEnd();
    }

    // ---- expressions ------------------------------------------------------------------------------------

    // A comma-separated list outside brackets is a tuple: `set a = 1, 2`, `for x in 1, 2`.
    ExprPtr parseTuple(bool withCondition)
    {
        const Token &start = current();
        ExprPtr first = withCondition ? parseExpression() : parseOr();
        if (!isOp(","))
            return first;
        auto list = make(Expr::Kind::List, start);
        list->name = "tuple";
        list->args.push_back(std::move(first));
        while (skipOp(",")) {
            if (current().type == TokenType::BlockEnd || current().type == TokenType::VariableEnd || isName("if"))
                break;
            list->args.push_back(withCondition ? parseExpression() : parseOr());
        }
        return list;
    }

    ExprPtr parseExpression()
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

    ExprPtr binary(Expr::Kind kind, const Token &at, ExprPtr left, ExprPtr right, std::string op = {})
    {
        auto e = make(kind, at);
        e->name = std::move(op);
        e->args.push_back(std::move(left));
        e->args.push_back(std::move(right));
        return e;
    }

    ExprPtr parseOr()
    {
        ExprPtr left = parseAnd();
        while (isName("or")) {
            const Token &at = next();
            left = binary(Expr::Kind::Or, at, std::move(left), parseAnd());
        }
        return left;
    }

    ExprPtr parseAnd()
    {
        ExprPtr left = parseNot();
        while (isName("and")) {
            const Token &at = next();
            left = binary(Expr::Kind::And, at, std::move(left), parseNot());
        }
        return left;
    }

    ExprPtr parseNot()
    {
        if (isName("not")) {
            Depth depth(*this);
            auto e = make(Expr::Kind::Not, next());
            e->args.push_back(parseNot());
            return e;
        }
        return parseCompare();
    }

    ExprPtr parseCompare()
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

    ExprPtr parseMath1()
    {
        ExprPtr left = parseConcat();
        while (isOp("+") || isOp("-")) {
            const Token &at = next();
            left = binary(Expr::Kind::Binary, at, std::move(left), parseConcat(), at.text);
        }
        return left;
    }

    ExprPtr parseConcat()
    {
        ExprPtr left = parseMath2();
        while (isOp("~")) {
            const Token &at = next();
            left = binary(Expr::Kind::Binary, at, std::move(left), parseMath2(), "~");
        }
        return left;
    }

    ExprPtr parseMath2()
    {
        ExprPtr left = parsePow();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            const Token &at = next();
            left = binary(Expr::Kind::Binary, at, std::move(left), parsePow(), at.text);
        }
        return left;
    }

    ExprPtr parsePow()
    {
        ExprPtr left = parseUnary(true);
        while (isOp("**")) {
            const Token &at = next();
            left = binary(Expr::Kind::Binary, at, std::move(left), parseUnary(true), "**");
        }
        return left;
    }

    ExprPtr parseUnary(bool withFilter)
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

    ExprPtr parsePrimary()
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
            if (t.text == "[") {
                next();
                auto list = make(Expr::Kind::List, t);
                while (!skipOp("]")) {
                    if (!list->args.empty())
                        expectOp(",");
                    if (skipOp("]"))
                        break;
                    list->args.push_back(parseExpression());
                }
                return list;
            }
            if (t.text == "{") {
                next();
                auto dict = make(Expr::Kind::Dict, t);
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
            break;
        default:
            break;
        }
        fail("unexpected " + describe(t));
    }

    ExprPtr parsePostfix(ExprPtr node)
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

    ExprPtr parseSubscript(ExprPtr node)
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

    void parseArguments(Expr &call)
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

    ExprPtr parseCall(ExprPtr node)
    {
        auto e = make(Expr::Kind::Call, current());
        e->args.push_back(std::move(node));
        parseArguments(*e);
        return e;
    }

    ExprPtr parseFilterExpr(ExprPtr node)
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

    const std::vector<Token> &m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;
};

} // namespace

NodeList parseTemplate(const std::vector<Token> &tokens)
{
    return Parser(tokens).parseAll();
}

} // namespace dlm::jinja
