#pragma once
// Turns template tokens into the syntax tree (jinja_ast.h), with Jinja2's operator precedence.

#include "core/text/jinja_ast.h"
#include "core/text/jinja_lexer.h"

#include <vector>

namespace dlm::jinja {

/** Parses a whole template; throws jinja::Error naming the line and column of a syntax error. */
NodeList parseTemplate(const std::vector<Token> &tokens);

} // namespace dlm::jinja
