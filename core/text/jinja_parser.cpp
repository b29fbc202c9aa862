#include "core/text/jinja_parser.h"

#include "core/text/jinja_expression_parser.h"

#include <set>

namespace dlm::jinja {

namespace {

/** The statement half of the parser: text, {{ }} and the {% %} tags, down to their expressions. */
class Parser : public ExpressionParser
{
public:
    explicit Parser(const std::vector<Token> &tokens)
        : ExpressionParser(tokens)
    {
    }

    NodeList parseAll()
    {
        std::string endTag;
        return parseBody({}, endTag);
    }

private:
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
        } else if (name == "call") {
            parseCallBlock(*n);
        } else {
            static const std::set<std::string> known
                = {"block", "extends", "include", "import", "from", "with", "filter", "raw", "autoescape", "print"};
            if (known.count(name))
                fail("the '" + name + "' tag is not supported by this template interpreter", tag);
            if (name.rfind("end", 0) == 0 || name == "elif" || name == "else")
                fail("unexpected '" + name + "' (no open block it could close)", tag);
            fail("unknown tag '" + name + "'", tag);
        }
        return n;
    }

    void parseCallBlock(Node &n)
    {
        n.kind = Node::Kind::CallBlock;
        if (isOp("("))
            fail("call blocks with caller arguments are not supported by this template interpreter");
        n.expr = parseExpression();
        if (n.expr->kind != Expr::Kind::Call)
            fail("expected a macro call after 'call'");
        expectBlockEnd();
        std::string end;
        n.body = parseBody({"endcall"}, end);
        expectBlockEnd();
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
};

} // namespace

NodeList parseTemplate(const std::vector<Token> &tokens)
{
    return Parser(tokens).parseAll();
}

} // namespace dlm::jinja
