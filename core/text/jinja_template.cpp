#include "core/text/jinja_template.h"

#include "core/text/jinja_lexer.h"
#include "core/text/jinja_parser.h"
#include "core/text/jinja_renderer.h"
#include "core/base/message_quote.h"

namespace dlm {

namespace {

/** "line L, column C: what", one line of valid UTF-8 whatever the template put in it (raise_exception's text,
 *  a quoted name): fuzzing found raw bytes and line breaks of the source in messages. */
std::string describe(const jinja::Error &e)
{
    const std::string what = messageQuote(e.what(), 400);
    if (e.line() <= 0)
        return what;
    std::string where = "line " + std::to_string(e.line());
    if (e.column() > 0)
        where += ", column " + std::to_string(e.column());
    return where + ": " + what;
}

} // namespace

Result<JinjaTemplate> JinjaTemplate::parse(const std::string &source)
{
    try {
        JinjaTemplate t;
        t.m_nodes = std::make_shared<const jinja::NodeList>(jinja::parseTemplate(jinja::tokenize(source)));
        return t;
    } catch (const jinja::Error &e) {
        return Result<JinjaTemplate>::failure(describe(e));
    }
}

Result<std::string> JinjaTemplate::render(const jinja::Dict &variables, const JinjaLimits &limits) const
{
    if (!m_nodes)
        return Result<std::string>::failure("no template was parsed");
    try {
        jinja::Renderer renderer(variables, limits);
        return renderer.run(*m_nodes);
    } catch (const jinja::Error &e) {
        return Result<std::string>::failure(describe(e));
    }
}

} // namespace dlm
