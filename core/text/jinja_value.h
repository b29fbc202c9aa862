#pragma once
// The values a Jinja2 template computes with, shaped after the Python objects Jinja2 hands around, so that
// printing, comparing and serialising them gives the same text as Python does (chat templates are compared
// byte for byte with transformers' output).

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dlm::jinja {

/** A template error: a syntax error, an unsupported construct, a failed operation or a limit reached. */
class Error : public std::runtime_error
{
public:
    explicit Error(const std::string &what, int line = 0, int column = 0)
        : std::runtime_error(what)
        , m_line(line)
        , m_column(column)
    {
    }
    int line() const { return m_line; }
    int column() const { return m_column; }

private:
    int m_line;
    int m_column;
};

class Value;
using ValueList = std::vector<Value>;
using KeywordArgs = std::vector<std::pair<std::string, Value>>;

/** A dict with Python's insertion order; keys are strings, which is all chat templates and JSON need. */
class Dict
{
public:
    const Value *find(const std::string &key) const;
    void set(const std::string &key, Value value);
    const std::vector<std::pair<std::string, Value>> &items() const { return m_items; }
    size_t size() const { return m_items.size(); }

private:
    std::vector<std::pair<std::string, Value>> m_items;
};

/** A function a template can call: a builtin, a bound method or a macro. */
using Function = std::function<Value(const ValueList &args, const KeywordArgs &kwargs)>;

/**
 * One template value. Lists, dicts and namespaces are shared by reference, as in Python, so that
 * `ns.x = ...` inside a loop is seen after it.
 */
class Value
{
public:
    enum class Type { Undefined, None, Bool, Int, Float, String, List, Dict, Namespace, Function };

    Value() = default; // undefined
    static Value undefined(std::string name);
    static Value none();
    Value(bool b);
    Value(int i)
        : Value(static_cast<int64_t>(i))
    {
    }
    Value(int64_t i);
    Value(double d);
    Value(std::string s);
    Value(const char *s)
        : Value(std::string(s))
    {
    }
    Value(ValueList list);
    Value(Dict dict);
    /** A tuple: a list that prints as (a, b), as dict.items() pairs and (a, b) literals do in Python. */
    static Value tuple(ValueList items);
    static Value namespaceOf(Dict dict);
    static Value function(std::string name, Function fn);

    Type type() const { return m_type; }
    bool isUndefined() const { return m_type == Type::Undefined; }
    bool isNone() const { return m_type == Type::None; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isInt() const { return m_type == Type::Int || m_type == Type::Bool; }
    bool isNumber() const { return isInt() || m_type == Type::Float; }
    bool isString() const { return m_type == Type::String; }
    bool isList() const { return m_type == Type::List; }
    bool isTuple() const { return m_type == Type::List && m_tuple; }
    bool isDict() const { return m_type == Type::Dict; }
    bool isNamespace() const { return m_type == Type::Namespace; }
    bool isMapping() const { return isDict() || isNamespace(); }
    bool isFunction() const { return m_type == Type::Function; }

    bool asBool() const { return m_bool; }
    int64_t asInt() const { return m_type == Type::Bool ? (m_bool ? 1 : 0) : m_int; }
    double asDouble() const { return m_type == Type::Float ? m_float : static_cast<double>(asInt()); }
    const std::string &asString() const { return m_string; }
    const ValueList &list() const { return *m_list; }
    ValueList &list() { return *m_list; }
    const Dict &dict() const { return *m_dict; }
    Dict &dict() { return *m_dict; }
    const Function &fn() const { return *m_function; }
    /** How many lists, dicts and namespaces nest inside this one (0 for scalars); bounded at construction. */
    int depth() const { return m_depth; }
    /** Whether a namespace is inside (namespaces may not go into namespaces: no cycles). */
    bool holdsNamespace() const { return m_holdsNamespace; }
    /** For undefined values, the name that was looked up; for functions, the function's name. */
    const std::string &name() const { return m_string; }

    /** Python truthiness. */
    bool truthy() const;
    /** Python str(): what `{{ value }}` prints. Undefined prints as nothing. */
    std::string str() const;
    /** Python repr(): how values print inside lists and dicts. */
    std::string repr() const;
    /** Python type name for messages ("str", "int", "list", ...). */
    std::string typeName() const;

private:
    void measure(const Value &child);

    Type m_type = Type::Undefined;
    bool m_bool = false;
    bool m_tuple = false;
    bool m_holdsNamespace = false;
    int m_depth = 0;
    int64_t m_int = 0;
    double m_float = 0.0;
    std::string m_string;
    std::shared_ptr<ValueList> m_list;
    std::shared_ptr<Dict> m_dict;
    std::shared_ptr<Function> m_function;
};

/** Values deeper than this cannot be built: printing and freeing them would recurse too deep. */
inline constexpr int kMaxValueDepth = 256;

/** Python ==, with 1 == 1.0 == True and deep comparison of lists and dicts. */
bool equals(const Value &a, const Value &b);
/** Python <, for numbers, strings and lists; throws Error for other pairs. */
bool lessThan(const Value &a, const Value &b);
/** Python repr() of a float: the shortest text that reads back to the same double. */
std::string formatFloat(double d);
/** Number of Unicode code points in UTF-8 text (Python's len of a str). */
size_t utf8Length(const std::string &s);
/** Splits UTF-8 text into code points, each kept as its UTF-8 bytes. */
std::vector<std::string> utf8Chars(const std::string &s);

/** Options of Python's json.dumps as transformers' tojson filter exposes them. */
struct JsonOptions
{
    bool hasIndent = false;
    std::string indent; // used when hasIndent: an int n becomes n spaces
    std::string itemSeparator = ", ";
    std::string keySeparator = ": ";
    bool sortKeys = false;
};
/** json.dumps(value, ensure_ascii=False, ...) as transformers calls it. */
std::string toJson(const Value &value, const JsonOptions &options);

} // namespace dlm::jinja
