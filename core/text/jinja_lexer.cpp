#include "core/text/jinja_lexer.h"

#include "core/text/jinja_value.h"
#include "core/base/utf8.h"

#include <cstdio>
#include <cstring>

namespace dlm::jinja {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool isNameStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Jinja2 normalises every newline to "\n" and, without keep_trailing_newline, drops one at the very end.
std::string normalise(const std::string &source)
{
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out += '\n';
            if (i + 1 < source.size() && source[i + 1] == '\n')
                ++i;
        } else {
            out += source[i];
        }
    }
    if (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

void appendUtf8(std::string &out, unsigned long cp)
{
    utf8Append(out, static_cast<char32_t>(cp));
}

class Lexer
{
public:
    explicit Lexer(std::string source)
        : m_src(std::move(source))
    {
    }

    std::vector<Token> run()
    {
        bool lineStarting = true;
        while (m_pos < m_src.size()) {
            size_t tag = findTagStart(m_pos);
            std::string text = m_src.substr(m_pos, (tag == std::string::npos ? m_src.size() : tag) - m_pos);
            if (tag == std::string::npos) {
                emitText(text);
                advanceTo(m_src.size());
                break;
            }
            const char kind = m_src[tag + 1];
            const char modifier = tag + 2 < m_src.size() ? m_src[tag + 2] : '\0';
            if (modifier == '-') {
                size_t end = text.size();
                while (end > 0 && isSpace(text[end - 1]))
                    --end;
                text.resize(end);
            } else if (modifier != '+' && kind != '{') {
                // lstrip_blocks: indentation before a block or comment tag that starts its line goes.
                const size_t lineStart = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
                if ((lineStart > 0 || lineStarting) && text.find_first_not_of(" \t", lineStart) == std::string::npos)
                    text.resize(lineStart);
            }
            emitText(text);
            advanceTo(tag + 2 + ((modifier == '-' || modifier == '+') ? 1 : 0));
            if (kind == '#')
                lineStarting = skipComment();
            else
                lineStarting = lexTag(kind == '%');
        }
        m_tokens.push_back(Token {Token::Type::End, std::string(), m_line, column()});
        return std::move(m_tokens);
    }

private:
    size_t findTagStart(size_t from) const
    {
        for (size_t i = m_src.find('{', from); i != std::string::npos; i = m_src.find('{', i + 1)) {
            if (i + 1 < m_src.size() && (m_src[i + 1] == '{' || m_src[i + 1] == '%' || m_src[i + 1] == '#'))
                return i;
        }
        return std::string::npos;
    }

    void emitText(const std::string &text)
    {
        if (!text.empty())
            m_tokens.push_back(Token {Token::Type::Text, text, m_line, column()});
    }

    int column() const { return static_cast<int>(m_pos - m_lineStart) + 1; }

    void advanceTo(size_t pos)
    {
        for (; m_pos < pos; ++m_pos) {
            if (m_src[m_pos] == '\n') {
                ++m_line;
                m_lineStart = m_pos + 1;
            }
        }
    }

    [[noreturn]] void fail(const std::string &what) const { throw Error(what, m_line, column()); }

    bool startsWith(const char *s) const { return m_src.compare(m_pos, std::strlen(s), s) == 0; }

    // After a closing tag: `-` eats all following whitespace, `+` nothing, a plain close one newline (trim_blocks
    // for blocks and comments). Returns whether what was consumed ended a line (lstrip's "line starting").
    bool finishTag(size_t closeLength, bool trimBlocks)
    {
        const char modifier = m_src[m_pos];
        advanceTo(m_pos + closeLength);
        if (modifier == '-') {
            size_t p = m_pos;
            while (p < m_src.size() && isSpace(m_src[p]))
                ++p;
            advanceTo(p);
        } else if (modifier != '+' && trimBlocks && m_pos < m_src.size() && m_src[m_pos] == '\n') {
            advanceTo(m_pos + 1);
        }
        return m_pos > 0 && m_src[m_pos - 1] == '\n';
    }

    bool skipComment()
    {
        const int line = m_line;
        const size_t end = m_src.find("#}", m_pos);
        if (end == std::string::npos)
            throw Error("comment opened here is never closed (missing '#}')", line, column());
        const bool modified = end > m_pos && (m_src[end - 1] == '-' || m_src[end - 1] == '+');
        advanceTo(modified ? end - 1 : end);
        return finishTag(modified ? 3 : 2, true);
    }

    bool lexTag(bool block)
    {
        const int line = m_line;
        const char *close = block ? "%}" : "}}";
        m_tokens.push_back(
            Token {block ? Token::Type::BlockBegin : Token::Type::VariableBegin, std::string(), m_line, column()});
        int depth = 0; // open brackets: a "}}" inside a dict literal does not close the tag
        while (true) {
            while (m_pos < m_src.size() && isSpace(m_src[m_pos]))
                advanceTo(m_pos + 1);
            if (m_pos >= m_src.size())
                throw Error(std::string("tag opened here is never closed (missing '") + close + "')", line, 0);
            if (depth == 0) {
                const bool modified = m_src[m_pos] == '-' || m_src[m_pos] == '+';
                if (m_src.compare(m_pos + (modified ? 1 : 0), 2, close) == 0) {
                    m_tokens.push_back(Token {
                        block ? Token::Type::BlockEnd : Token::Type::VariableEnd, std::string(), m_line, column()});
                    return finishTag(modified ? 3 : 2, block);
                }
            }
            const char c = m_src[m_pos];
            if (isNameStart(c))
                lexName();
            else if (isDigit(c))
                lexNumber();
            else if (c == '\'' || c == '"')
                lexString(c);
            else
                depth += lexOperator();
            if (depth < 0)
                fail("unexpected closing bracket");
        }
    }

    void lexName()
    {
        size_t end = m_pos;
        while (end < m_src.size() && (isNameStart(m_src[end]) || isDigit(m_src[end])))
            ++end;
        m_tokens.push_back(Token {Token::Type::Name, m_src.substr(m_pos, end - m_pos), m_line, column()});
        advanceTo(end);
    }

    void lexNumber()
    {
        size_t end = m_pos;
        std::string digits;
        auto readDigits = [&] {
            while (end < m_src.size()
                && (isDigit(m_src[end]) || (m_src[end] == '_' && end + 1 < m_src.size() && isDigit(m_src[end + 1])))) {
                if (m_src[end] != '_')
                    digits += m_src[end];
                ++end;
            }
        };
        readDigits();
        bool isFloat = false;
        if (end + 1 < m_src.size() && m_src[end] == '.' && isDigit(m_src[end + 1])) {
            isFloat = true;
            digits += '.';
            ++end;
            readDigits();
        }
        if (end < m_src.size() && (m_src[end] == 'e' || m_src[end] == 'E')) {
            size_t p = end + 1;
            if (p < m_src.size() && (m_src[p] == '+' || m_src[p] == '-'))
                ++p;
            if (p < m_src.size() && isDigit(m_src[p])) {
                isFloat = true;
                digits += 'e';
                digits += m_src.substr(end + 1, p - end - 1);
                end = p;
                readDigits();
            }
        }
        m_tokens.push_back(Token {isFloat ? Token::Type::Float : Token::Type::Integer, digits, m_line, column()});
        advanceTo(end);
    }

    // Jinja2 decodes string literals with Python's "unicode-escape": \n, \t, \xNN, \uNNNN, octal, ...;
    // an unknown escape keeps its backslash.
    void lexString(char quote)
    {
        const int line = m_line;
        const int col = column();
        std::string value;
        size_t p = m_pos + 1;
        while (true) {
            if (p >= m_src.size())
                throw Error("string literal is never closed", line, col);
            const char c = m_src[p];
            if (c == quote)
                break;
            if (c != '\\') {
                value += c;
                ++p;
                continue;
            }
            if (p + 1 >= m_src.size())
                throw Error("string literal is never closed", line, col);
            p = decodeEscape(p + 1, value, line, col);
        }
        m_tokens.push_back(Token {Token::Type::String, value, line, col});
        advanceTo(p + 1);
    }

    size_t decodeEscape(size_t p, std::string &value, int line, int col)
    {
        const char e = m_src[p];
        static const char simple[] = {'\\', '\\', '\'', '\'', '"', '"', 'n', '\n', 't', '\t', 'r', '\r', 'a', '\a', 'b',
            '\b', 'f', '\f', 'v', '\v'};
        for (size_t i = 0; i < sizeof simple; i += 2)
            if (e == simple[i]) {
                value += simple[i + 1];
                return p + 1;
            }
        if (e == '\n')
            return p + 1;
        if (e >= '0' && e <= '7') {
            unsigned long cp = 0;
            size_t q = p;
            while (q < p + 3 && q < m_src.size() && m_src[q] >= '0' && m_src[q] <= '7')
                cp = cp * 8 + static_cast<unsigned long>(m_src[q++] - '0');
            appendUtf8(value, cp);
            return q;
        }
        const size_t width = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
        if (width == 0) {
            if (e == 'N')
                throw Error("\\N{...} escapes in string literals are not supported", line, col);
            value += '\\';
            return p; // the character after the backslash is read as itself
        }
        const std::string hex = m_src.substr(p + 1, width);
        if (hex.size() != width || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            throw Error(std::string("truncated \\") + e + " escape in string literal", line, col);
        const unsigned long cp = std::stoul(hex, nullptr, 16);
        if (cp > 0x10FFFF)
            throw Error("escape names a code point beyond U+10FFFF", line, col);
        appendUtf8(value, cp);
        return p + 1 + width;
    }

    /** The character at the cursor for a message: quoted when printable ASCII, else U+XXXX or its byte (a
     *  raw control or ill-formed byte would break the one-line, valid-UTF-8 message; found by fuzzing). */
    std::string describeCharacter() const
    {
        const unsigned char c = static_cast<unsigned char>(m_src[m_pos]);
        char text[32];
        if (c >= 0x20 && c < 0x7f)
            std::snprintf(text, sizeof text, "'%c'", c);
        else if (utf8WellFormedLength(reinterpret_cast<const unsigned char *>(m_src.data()), m_src.size(), m_pos) > 0)
            std::snprintf(text, sizeof text, "U+%04X", unsigned(utf8Decode(m_src, m_pos)));
        else
            std::snprintf(text, sizeof text, "byte 0x%02X", c);
        return text;
    }

    int lexOperator()
    {
        static const char *two[] = {"//", "**", "==", "!=", "<=", ">="};
        for (const char *op : two)
            if (startsWith(op)) {
                m_tokens.push_back(Token {Token::Type::Operator, op, m_line, column()});
                advanceTo(m_pos + 2);
                return 0;
            }
        const char c = m_src[m_pos];
        if (c == '\0' || std::strchr("+-*/%~<>=()[]{},.:|", c) == nullptr)
            fail("unexpected character " + describeCharacter());
        m_tokens.push_back(Token {Token::Type::Operator, std::string(1, c), m_line, column()});
        advanceTo(m_pos + 1);
        return (c == '(' || c == '[' || c == '{') ? 1 : (c == ')' || c == ']' || c == '}') ? -1 : 0;
    }

    std::string m_src;
    size_t m_pos = 0;
    size_t m_lineStart = 0;
    int m_line = 1;
    std::vector<Token> m_tokens;
};

} // namespace

std::vector<Token> tokenize(const std::string &source)
{
    return Lexer(normalise(source)).run();
}

} // namespace dlm::jinja
