#include "core/text/jinja_value.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace dlm::jinja {

namespace {

// Printing, comparing and serialising recurse into lists and dicts. A template can nest values deeply (or put
// a namespace inside itself), so the recursion is bounded instead of overflowing the stack.
thread_local int t_valueDepth = 0;

struct DepthGuard
{
    DepthGuard()
    {
        if (++t_valueDepth > kMaxValueDepth + 8) { // room for the scalar leaves of the deepest value
            --t_valueDepth;
            throw Error("a value nests deeper than " + std::to_string(kMaxValueDepth) + " levels (or contains itself)");
        }
    }
    ~DepthGuard() { --t_valueDepth; }
    DepthGuard(const DepthGuard &) = delete;
    DepthGuard &operator=(const DepthGuard &) = delete;
};

} // namespace

const Value *Dict::find(const std::string &key) const
{
    for (const auto &item : m_items)
        if (item.first == key)
            return &item.second;
    return nullptr;
}

void Dict::set(const std::string &key, Value value)
{
    for (auto &item : m_items)
        if (item.first == key) {
            item.second = std::move(value);
            return;
        }
    m_items.emplace_back(key, std::move(value));
}

Value Value::undefined(std::string name)
{
    Value v;
    v.m_string = std::move(name);
    return v;
}

Value Value::none()
{
    Value v;
    v.m_type = Type::None;
    return v;
}

Value::Value(bool b)
    : m_type(Type::Bool)
    , m_bool(b)
{
}
Value::Value(int64_t i)
    : m_type(Type::Int)
    , m_int(i)
{
}
Value::Value(double d)
    : m_type(Type::Float)
    , m_float(d)
{
}
Value::Value(std::string s)
    : m_type(Type::String)
    , m_string(std::move(s))
{
}
void Value::measure(const Value &child)
{
    m_depth = std::max(m_depth, child.m_depth + 1);
    m_holdsNamespace = m_holdsNamespace || child.isNamespace() || child.m_holdsNamespace;
    if (m_depth > kMaxValueDepth)
        throw Error("a value would nest deeper than " + std::to_string(kMaxValueDepth) + " levels");
}

Value::Value(ValueList list)
    : m_type(Type::List)
    , m_list(std::make_shared<ValueList>(std::move(list)))
{
    m_depth = 1;
    for (const auto &v : *m_list)
        measure(v);
}

Value::Value(Dict dict)
    : m_type(Type::Dict)
    , m_dict(std::make_shared<Dict>(std::move(dict)))
{
    m_depth = 1;
    for (const auto &item : m_dict->items())
        measure(item.second);
}

Value Value::tuple(ValueList items)
{
    Value v(std::move(items));
    v.m_tuple = true;
    return v;
}

Value Value::namespaceOf(Dict dict)
{
    Value v(std::move(dict));
    v.m_type = Type::Namespace;
    return v;
}

Value Value::function(std::string name, Function fn)
{
    Value v;
    v.m_type = Type::Function;
    v.m_string = std::move(name);
    v.m_function = std::make_shared<Function>(std::move(fn));
    return v;
}

bool Value::truthy() const
{
    switch (m_type) {
    case Type::Undefined:
    case Type::None:
        return false;
    case Type::Bool:
        return m_bool;
    case Type::Int:
        return m_int != 0;
    case Type::Float:
        return m_float != 0.0;
    case Type::String:
        return !m_string.empty();
    case Type::List:
        return !m_list->empty();
    case Type::Dict:
        return m_dict->size() != 0;
    case Type::Namespace:
    case Type::Function:
        return true;
    }
    return false;
}

std::string formatFloat(double d)
{
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d < 0 ? "-inf" : "inf";
    // The shortest %.Ne that reads back exactly gives Python's repr digits; then lay them out as Python does:
    // positional for exponents in [-4, 16), scientific otherwise.
    char buf[64];
    for (int precision = 0; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*e", precision, d);
        if (std::strtod(buf, nullptr) == d)
            break;
    }
    std::string text(buf);
    const size_t e = text.find('e');
    const int exponent = std::atoi(text.c_str() + e + 1);
    std::string mantissa = text.substr(0, e);
    const bool negative = mantissa[0] == '-';
    if (negative)
        mantissa.erase(0, 1);
    std::string digits;
    for (char c : mantissa)
        if (c != '.')
            digits += c;
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    std::string out;
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
        } else if (static_cast<int>(digits.size()) <= exponent + 1) {
            out = digits + std::string(static_cast<size_t>(exponent + 1) - digits.size(), '0') + ".0";
        } else {
            out = digits.substr(0, static_cast<size_t>(exponent + 1)) + "."
                + digits.substr(static_cast<size_t>(exponent + 1));
        }
    } else {
        out = digits.substr(0, 1);
        if (digits.size() > 1)
            out += "." + digits.substr(1);
        char exp[16];
        std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        out += exp;
    }
    return negative ? "-" + out : out;
}

static std::string reprString(const std::string &s)
{
    const bool useDouble = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
    const char quote = useDouble ? '"' : '\'';
    std::string out(1, quote);
    for (unsigned char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == static_cast<unsigned char>(quote))
            out += std::string("\\") + quote;
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else
            out += static_cast<char>(c);
    }
    return out + quote;
}

static std::string reprDictItems(const Dict &dict)
{
    std::string out = "{";
    bool first = true;
    for (const auto &item : dict.items()) {
        if (!first)
            out += ", ";
        first = false;
        out += reprString(item.first) + ": " + item.second.repr();
    }
    return out + "}";
}

std::string Value::str() const
{
    switch (m_type) {
    case Type::Undefined:
        return std::string();
    case Type::String:
        return m_string;
    default:
        return repr();
    }
}

std::string Value::repr() const
{
    DepthGuard guard;
    switch (m_type) {
    case Type::Undefined:
        return std::string();
    case Type::None:
        return "None";
    case Type::Bool:
        return m_bool ? "True" : "False";
    case Type::Int:
        return std::to_string(m_int);
    case Type::Float:
        return formatFloat(m_float);
    case Type::String:
        return reprString(m_string);
    case Type::List: {
        std::string out = m_tuple ? "(" : "[";
        for (size_t i = 0; i < m_list->size(); ++i)
            out += (i ? ", " : "") + (*m_list)[i].repr();
        if (m_tuple && m_list->size() == 1)
            out += ",";
        return out + (m_tuple ? ")" : "]");
    }
    case Type::Dict:
        return reprDictItems(*m_dict);
    case Type::Namespace:
        return "<Namespace " + reprDictItems(*m_dict) + ">";
    case Type::Function:
        return "<function " + m_string + ">";
    }
    return std::string();
}

std::string Value::typeName() const
{
    switch (m_type) {
    case Type::Undefined:
        return "undefined";
    case Type::None:
        return "NoneType";
    case Type::Bool:
        return "bool";
    case Type::Int:
        return "int";
    case Type::Float:
        return "float";
    case Type::String:
        return "str";
    case Type::List:
        return "list";
    case Type::Dict:
        return "dict";
    case Type::Namespace:
        return "Namespace";
    case Type::Function:
        return "function";
    }
    return "object";
}

bool equals(const Value &a, const Value &b)
{
    DepthGuard guard;
    if (a.isNumber() && b.isNumber()) {
        if (a.isInt() && b.isInt())
            return a.asInt() == b.asInt();
        return a.asDouble() == b.asDouble();
    }
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case Value::Type::Undefined:
    case Value::Type::None:
        return true;
    case Value::Type::String:
        return a.asString() == b.asString();
    case Value::Type::List:
        if (a.list().size() != b.list().size())
            return false;
        for (size_t i = 0; i < a.list().size(); ++i)
            if (!equals(a.list()[i], b.list()[i]))
                return false;
        return true;
    case Value::Type::Dict:
    case Value::Type::Namespace: {
        if (a.dict().size() != b.dict().size())
            return false;
        for (const auto &item : a.dict().items()) {
            const Value *other = b.dict().find(item.first);
            if (!other || !equals(item.second, *other))
                return false;
        }
        return true;
    }
    default:
        return false;
    }
}

bool lessThan(const Value &a, const Value &b)
{
    DepthGuard guard;
    if (a.isNumber() && b.isNumber()) {
        if (a.isInt() && b.isInt())
            return a.asInt() < b.asInt();
        return a.asDouble() < b.asDouble();
    }
    if (a.isString() && b.isString())
        return a.asString() < b.asString(); // UTF-8 byte order is code point order
    if (a.isList() && b.isList()) {
        const auto &x = a.list();
        const auto &y = b.list();
        for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
            if (!equals(x[i], y[i]))
                return lessThan(x[i], y[i]);
        }
        return x.size() < y.size();
    }
    throw Error("'<' not supported between instances of '" + a.typeName() + "' and '" + b.typeName() + "'");
}

size_t utf8Length(const std::string &s)
{
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            ++n;
    return n;
}

std::vector<std::string> utf8Chars(const std::string &s)
{
    std::vector<std::string> chars;
    for (unsigned char c : s) {
        if ((c & 0xC0) == 0x80 && !chars.empty())
            chars.back() += static_cast<char>(c);
        else
            chars.emplace_back(1, static_cast<char>(c));
    }
    return chars;
}

} // namespace dlm::jinja
