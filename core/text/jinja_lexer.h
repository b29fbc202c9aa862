#pragma once
// Splits a Jinja2 template into text and tag tokens with the whitespace rules transformers renders chat
// templates under: trim_blocks and lstrip_blocks on, `-` and `+` tag modifiers, one trailing newline dropped.

#include <string>
#include <vector>

namespace dlm::jinja {

/** One lexical token of a template. */
struct Token
{
    enum class Type {
        Text,
        VariableBegin,
        VariableEnd,
        BlockBegin,
        BlockEnd,
        Name,
        String,
        Integer,
        Float,
        Operator,
        End
    };
    Type type = Type::End;
    std::string text; // text, name, decoded string literal, number digits or operator
    int line = 1;
    int column = 1;
};

/** Tokenises `source`; throws jinja::Error naming the line and column of a lexical error. */
std::vector<Token> tokenize(const std::string &source);

} // namespace dlm::jinja
