// Jinja2's filters and tests as chat templates use them (see jinja_builtins.h), with transformers' tojson.
#include "core/text/jinja_builtins.h"
#include "core/text/jinja_strings.h"

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

namespace dlm::jinja {

namespace {

using FilterFn = std::function<Value(const Value &, const ValueList &, const KeywordArgs &, const OperationLimits &)>;

Value arg(const ValueList &a, const KeywordArgs &k, size_t i, const char *name, Value fallback = Value())
{
    return argument(a, k, i, name, std::move(fallback));
}

std::string text(const Value &v)
{
    return v.str();
}

Value toInt(const Value &v, const Value &fallback, int64_t base)
{
    if (v.isInt())
        return Value(v.asInt());
    if (v.type() == Value::Type::Float)
        return Value(static_cast<int64_t>(v.asDouble()));
    if (v.isString()) {
        const std::string s = pyStrip(v.asString(), Value(), true, true);
        char *end = nullptr;
        errno = 0;
        const long long i = std::strtoll(s.c_str(), &end, static_cast<int>(base));
        if (!s.empty() && end && *end == '\0' && errno == 0)
            return Value(static_cast<int64_t>(i));
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && end && *end == '\0' && base == 10)
            return Value(static_cast<int64_t>(d));
    }
    return fallback;
}

Value toFloat(const Value &v, const Value &fallback)
{
    if (v.isNumber())
        return Value(v.asDouble());
    if (v.isString()) {
        const std::string s = pyStrip(v.asString(), Value(), true, true);
        char *end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && end && *end == '\0')
            return Value(d);
    }
    return fallback;
}

// Jinja2's indent filter: every line but the first (unless `first`) gets the indentation; blank lines only
// with `blank`. Jinja appends a newline before splitting, so a trailing newline is dropped, as it does.
Value indentFilter(const Value &v, const ValueList &a, const KeywordArgs &k, const OperationLimits &limits)
{
    const Value width = arg(a, k, 0, "width", Value(int64_t(4)));
    if (!width.isString() && !width.isInt())
        throw Error("indent width must be a number or a string, not " + width.typeName());
    if (width.isInt()
        && (width.asInt() < 0 || static_cast<size_t>(width.asInt()) > std::max<size_t>(limits.maxStringBytes, 1)))
        throw Error("indent width " + std::to_string(width.asInt()) + " is out of range");
    const std::string indent
        = width.isString() ? width.asString() : std::string(static_cast<size_t>(width.asInt()), ' ');
    const bool first = arg(a, k, 1, "first", Value(false)).truthy();
    const bool blank = arg(a, k, 2, "blank", Value(false)).truthy();
    std::vector<std::string> lines = pySplit(text(v) + "\n", Value("\n"), -1);
    lines.pop_back();
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i > 0)
            out += "\n";
        if ((i > 0 || first) && (blank || !lines[i].empty()))
            out += indent;
        out += lines[i];
        if (limits.maxStringBytes && out.size() > limits.maxStringBytes)
            throw Error("a value would exceed the output limit of " + std::to_string(limits.maxStringBytes) + " bytes");
    }
    return Value(out);
}

Value tojsonFilter(const Value &v, const ValueList &a, const KeywordArgs &k)
{
    JsonOptions o;
    const Value indent = arg(a, k, 0, "indent");
    if (indent.isInt()) {
        o.hasIndent = true;
        if (indent.asInt() > 1000)
            throw Error("tojson indent " + std::to_string(indent.asInt()) + " is out of range");
        o.indent = std::string(static_cast<size_t>(std::max<int64_t>(0, indent.asInt())), ' ');
    } else if (indent.isString()) {
        o.hasIndent = true;
        o.indent = indent.asString();
    }
    if (o.hasIndent)
        o.itemSeparator = ",";
    const Value separators = arg(a, k, 2, "separators");
    if (separators.isList() && separators.list().size() == 2) {
        o.itemSeparator = separators.list()[0].str();
        o.keySeparator = separators.list()[1].str();
    }
    o.sortKeys = arg(a, k, 3, "sort_keys", Value(false)).truthy();
    if (arg(a, k, 1, "ensure_ascii", Value(false)).truthy())
        throw Error("tojson(ensure_ascii=true) is not supported by this template interpreter");
    return Value(toJson(v, o));
}

Value selectFilter(const Value &v, const ValueList &a, const KeywordArgs &k, bool byAttribute, bool keep,
    const OperationLimits &limits)
{
    ValueList out;
    const size_t testAt = byAttribute ? 1 : 0;
    const Value testName = arg(a, k, testAt, "test");
    ValueList testArgs(a.size() > testAt + 1 ? a.begin() + static_cast<long>(testAt) + 1 : a.end(), a.end());
    for (const auto &item : iterate(v)) {
        const Value subject = byAttribute ? getAttribute(item, arg(a, k, 0, "attribute").str(), limits) : item;
        const bool pass = testName.isString() ? applyTest(testName.asString(), subject, testArgs) : subject.truthy();
        if (pass == keep)
            out.push_back(item);
    }
    return Value(std::move(out));
}

Value mapFilter(const Value &v, const ValueList &a, const KeywordArgs &k, const OperationLimits &limits)
{
    ValueList out;
    const Value attribute = arg(ValueList(), k, 0, "attribute");
    for (const auto &item : iterate(v)) {
        if (!attribute.isUndefined()) {
            Value got = item.isMapping() ? getItem(item, attribute) : getAttribute(item, attribute.str(), limits);
            out.push_back(got.isUndefined() ? arg(ValueList(), k, 0, "default", got) : got);
        } else if (!a.empty() && a[0].isString()) {
            out.push_back(applyFilter(a[0].asString(), item, ValueList(a.begin() + 1, a.end()), {}, limits));
        } else {
            throw Error("map needs a filter name or attribute=...");
        }
    }
    return Value(std::move(out));
}

const std::map<std::string, FilterFn> &filters()
{
    using V = const Value &;
    using A = const ValueList &;
    using K = const KeywordArgs &;
    using L = const OperationLimits &;
    static const std::map<std::string, FilterFn> table = {
        {"trim", [](V v, A a, K k, L) { return Value(pyStrip(text(v), arg(a, k, 0, "chars"), true, true)); }},
        {"upper", [](V v, A, K, L) { return Value(pyUpper(text(v))); }},
        {"lower", [](V v, A, K, L) { return Value(pyLower(text(v))); }},
        {"capitalize", [](V v, A, K, L) { return Value(pyCapitalize(text(v))); }},
        {"title",
            [](V v, A, K, L) {
                // Jinja2 upper-cases the first character after whitespace, '-', '(', '{', '[' or '<'.
                std::string out;
                std::string word;
                auto flush = [&] {
                    if (!word.empty()) {
                        const std::string first = utf8Chars(word)[0];
                        out += pyUpper(first) + pyLower(word.substr(first.size()));
                    }
                    word.clear();
                };
                for (const auto &c : utf8Chars(text(v))) {
                    const bool separator = c == " " || c == "\t" || c == "\n" || c == "-" || c == "(" || c == "{"
                        || c == "[" || c == "<";
                    if (separator) {
                        flush();
                        out += c;
                    } else {
                        word += c;
                    }
                }
                flush();
                return Value(out);
            }},
        {"replace",
            [](V v, A a, K k, L l) {
                const Value count = arg(a, k, 2, "count");
                return Value(pyReplace(text(v), arg(a, k, 0, "old").str(), arg(a, k, 1, "new").str(),
                    count.isInt() ? count.asInt() : -1, l.maxStringBytes));
            }},
        {"length",
            [](V v, A, K, L) {
                if (v.isString())
                    return Value(static_cast<int64_t>(utf8Length(v.asString())));
                if (v.isMapping())
                    return Value(static_cast<int64_t>(v.dict().size()));
                return Value(static_cast<int64_t>(iterate(v).size()));
            }},
        {"default",
            [](V v, A a, K k, L) {
                const bool boolean = arg(a, k, 1, "boolean", Value(false)).truthy();
                return (v.isUndefined() || (boolean && !v.truthy())) ? arg(a, k, 0, "default_value", Value("")) : v;
            }},
        {"join",
            [](V v, A a, K k, L l) {
                const std::string sep = arg(a, k, 0, "d", Value("")).str();
                const Value attribute = arg(a, k, 1, "attribute");
                std::string out;
                bool first = true;
                for (const auto &item : iterate(v)) {
                    out += (first ? "" : sep) + (attribute.isUndefined() ? item : getItem(item, attribute)).str();
                    first = false;
                    if (l.maxStringBytes && out.size() > l.maxStringBytes)
                        throw Error(
                            "a value would exceed the output limit of " + std::to_string(l.maxStringBytes) + " bytes");
                }
                return Value(out);
            }},
        {"first",
            [](V v, A, K, L) {
                const ValueList items = iterate(v);
                return items.empty() ? Value::undefined("no first item, sequence was empty") : items.front();
            }},
        {"last",
            [](V v, A, K, L) {
                const ValueList items = iterate(v);
                return items.empty() ? Value::undefined("no last item, sequence was empty") : items.back();
            }},
        {"list", [](V v, A, K, L) { return Value(iterate(v)); }},
        {"reverse",
            [](V v, A, K, L) {
                if (v.isString())
                    return getSlice(v, Value(), Value(), Value(int64_t(-1)));
                ValueList items = iterate(v);
                return Value(ValueList(items.rbegin(), items.rend()));
            }},
        {"string", [](V v, A, K, L) { return Value(text(v)); }},
        {"safe", [](V v, A, K, L) { return v; }},
        {"int",
            [](V v, A a, K k, L) {
                return toInt(
                    v, arg(a, k, 0, "default", Value(int64_t(0))), arg(a, k, 1, "base", Value(int64_t(10))).asInt());
            }},
        {"float", [](V v, A a, K k, L) { return toFloat(v, arg(a, k, 0, "default", Value(0.0))); }},
        {"items",
            [](V v, A, K, L) {
                ValueList out;
                if (v.isUndefined())
                    return Value(out);
                if (!v.isMapping())
                    throw Error("items filter needs a mapping, not " + v.typeName());
                for (const auto &item : v.dict().items())
                    out.push_back(Value::tuple(ValueList {Value(item.first), item.second}));
                return Value(std::move(out));
            }},
        {"indent", [](V v, A a, K k, L l) { return indentFilter(v, a, k, l); }},
        {"tojson", [](V v, A a, K k, L) { return tojsonFilter(v, a, k); }},
        {"selectattr", [](V v, A a, K k, L l) { return selectFilter(v, a, k, true, true, l); }},
        {"rejectattr", [](V v, A a, K k, L l) { return selectFilter(v, a, k, true, false, l); }},
        {"select", [](V v, A a, K k, L l) { return selectFilter(v, a, k, false, true, l); }},
        {"reject", [](V v, A a, K k, L l) { return selectFilter(v, a, k, false, false, l); }},
        {"map", [](V v, A a, K k, L l) { return mapFilter(v, a, k, l); }},
    };
    return table;
}

bool compareTest(const std::string &op, const Value &v, const Value &other)
{
    if (op == "==")
        return equals(v, other);
    if (op == "!=")
        return !equals(v, other);
    if (op == "<")
        return lessThan(v, other);
    if (op == "<=")
        return !lessThan(other, v);
    if (op == ">")
        return lessThan(other, v);
    return !lessThan(v, other);
}

} // namespace

bool hasFilter(const std::string &name)
{
    return name == "d" || name == "count" || filters().count(name) != 0;
}

Value applyFilter(const std::string &name, const Value &input, const ValueList &args, const KeywordArgs &kwargs,
    const OperationLimits &limits)
{
    const std::string canonical = name == "d" ? "default" : name == "count" ? "length" : name;
    const auto it = filters().find(canonical);
    if (it == filters().end())
        throw Error("no filter named '" + name + "'");
    // Jinja2 reads an undefined value as "" or an empty sequence in most filters; these few refuse it.
    if (input.isUndefined() && (canonical == "int" || canonical == "float" || canonical == "indent"))
        failUndefined(input);
    return it->second(input, args, kwargs, limits);
}

bool hasTest(const std::string &name)
{
    static const std::set<std::string> tests = {"defined", "undefined", "none", "boolean", "false", "true", "integer",
        "float", "number", "string", "mapping", "iterable", "sequence", "callable", "odd", "even", "divisibleby", "eq",
        "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "in",
        "sameas", "lower", "upper"};
    return tests.count(name) != 0;
}

bool applyTest(const std::string &name, const Value &v, const ValueList &args)
{
    const Value other = args.empty() ? Value() : args[0];
    if (name == "defined")
        return !v.isUndefined();
    if (name == "undefined")
        return v.isUndefined();
    if (name == "none")
        return v.isNone();
    if (name == "boolean")
        return v.isBool();
    if (name == "false")
        return v.isBool() && !v.asBool();
    if (name == "true")
        return v.isBool() && v.asBool();
    if (name == "integer")
        return v.type() == Value::Type::Int;
    if (name == "float")
        return v.type() == Value::Type::Float;
    if (name == "number")
        return v.isNumber();
    if (name == "string")
        return v.isString();
    if (name == "mapping")
        return v.isDict();
    if (name == "iterable" || name == "sequence")
        return v.isString() || v.isList() || v.isDict();
    if (name == "callable")
        return v.isFunction();
    if (name == "odd" || name == "even" || name == "divisibleby") {
        if (!v.isInt())
            throw Error("the '" + name + "' test needs an integer, not " + v.typeName());
        const int64_t by = name == "divisibleby" ? other.asInt() : 2;
        if (by == 0)
            throw Error("integer division or modulo by zero");
        const int64_t r = ((v.asInt() % by) + by) % by;
        return name == "odd" ? r == 1 : r == 0;
    }
    if (name == "in")
        return contains(other, v);
    if (name == "sameas")
        return v.type() == other.type() && (v.isNone() || v.isUndefined() || (v.isBool() && equals(v, other)));
    if (name == "lower")
        return v.isString() && pyLower(v.asString()) == v.asString();
    if (name == "upper")
        return v.isString() && pyUpper(v.asString()) == v.asString();
    static const std::map<std::string, std::string> comparisons = {{"eq", "=="}, {"equalto", "=="}, {"==", "=="},
        {"ne", "!="}, {"!=", "!="}, {"lt", "<"}, {"lessthan", "<"}, {"<", "<"}, {"le", "<="}, {"<=", "<="}, {"gt", ">"},
        {"greaterthan", ">"}, {">", ">"}, {"ge", ">="}, {">=", ">="}};
    const auto it = comparisons.find(name);
    if (it == comparisons.end())
        throw Error("no test named '" + name + "'");
    return compareTest(it->second, v, other);
}

} // namespace dlm::jinja
