// Operators, attribute and item access, str and dict methods and the global functions (see jinja_builtins.h).
#include "core/text/jinja_builtins.h"
#include "core/text/jinja_strings.h"

#include <cmath>

namespace dlm::jinja {

void failUndefined(const Value &v)
{
    throw Error(v.name().empty() ? std::string("undefined value used") : v.name());
}

Value argument(const ValueList &args, const KeywordArgs &kwargs, size_t index, const char *name, Value fallback)
{
    if (index < args.size())
        return args[index];
    for (const auto &kw : kwargs)
        if (kw.first == name)
            return kw.second;
    return fallback;
}

static void checkSize(size_t bytes, const OperationLimits &limits)
{
    if (limits.maxStringBytes && bytes > limits.maxStringBytes)
        throw Error("a value would exceed the output limit of " + std::to_string(limits.maxStringBytes) + " bytes");
}

static int64_t floorDiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

static Value arithmetic(const std::string &op, const Value &a, const Value &b)
{
    const bool ints = a.isInt() && b.isInt();
    if ((op == "/" || op == "//" || op == "%") && (ints ? b.asInt() == 0 : b.asDouble() == 0.0))
        throw Error(op == "/" ? "division by zero" : "integer division or modulo by zero");
    if (op == "/")
        return Value(a.asDouble() / b.asDouble());
    if (ints) {
        const int64_t x = a.asInt(), y = b.asInt();
        if (op == "+")
            return Value(x + y);
        if (op == "-")
            return Value(x - y);
        if (op == "*")
            return Value(x * y);
        if (op == "//")
            return Value(floorDiv(x, y));
        if (op == "%")
            return Value(x - floorDiv(x, y) * y);
        if (y >= 0) {
            int64_t r = 1;
            for (int64_t i = 0; i < y && i < 64; ++i)
                r *= x;
            return Value(r);
        }
        return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
    }
    const double x = a.asDouble(), y = b.asDouble();
    if (op == "+")
        return Value(x + y);
    if (op == "-")
        return Value(x - y);
    if (op == "*")
        return Value(x * y);
    if (op == "//")
        return Value(std::floor(x / y));
    if (op == "%") {
        const double r = std::fmod(x, y);
        return Value((r != 0 && ((r < 0) != (y < 0))) ? r + y : r);
    }
    return Value(std::pow(x, y));
}

Value binaryOp(const std::string &op, const Value &a, const Value &b, const OperationLimits &limits)
{
    if (op == "~") {
        checkSize(a.str().size() + b.str().size(), limits);
        return Value(a.str() + b.str());
    }
    if (a.isUndefined())
        failUndefined(a);
    if (b.isUndefined())
        failUndefined(b);
    if (a.isNumber() && b.isNumber())
        return arithmetic(op, a, b);
    if (op == "+" && a.isString() && b.isString()) {
        checkSize(a.asString().size() + b.asString().size(), limits);
        return Value(a.asString() + b.asString());
    }
    if (op == "+" && a.isList() && b.isList()) {
        if (limits.maxListItems && a.list().size() + b.list().size() > limits.maxListItems)
            throw Error("a list would exceed the limit of " + std::to_string(limits.maxListItems) + " items");
        ValueList out = a.list();
        out.insert(out.end(), b.list().begin(), b.list().end());
        return Value(std::move(out));
    }
    if (op == "*" && (a.isString() || a.isList()) && b.isInt() && !b.isBool())
        return binaryOp(op, b, a, limits);
    if (op == "*" && a.isInt() && !a.isBool() && (b.isString() || b.isList())) {
        const int64_t n = std::max<int64_t>(0, a.asInt());
        if (b.isString()) {
            checkSize(static_cast<size_t>(n) * b.asString().size(), limits);
            std::string out;
            for (int64_t i = 0; i < n; ++i)
                out += b.asString();
            return Value(out);
        }
        if (limits.maxListItems && static_cast<size_t>(n) * b.list().size() > limits.maxListItems)
            throw Error("a list would exceed the limit of " + std::to_string(limits.maxListItems) + " items");
        ValueList out;
        for (int64_t i = 0; i < n; ++i)
            out.insert(out.end(), b.list().begin(), b.list().end());
        return Value(std::move(out));
    }
    if (op == "%" && a.isString())
        throw Error("printf-style string formatting ('...' % value) is not supported by this template interpreter");
    throw Error("unsupported operand type(s) for " + op + ": '" + a.typeName() + "' and '" + b.typeName() + "'");
}

bool contains(const Value &haystack, const Value &needle)
{
    if (haystack.isString()) {
        if (!needle.isString())
            throw Error("'in <string>' requires string as left operand, not " + needle.typeName());
        return haystack.asString().find(needle.asString()) != std::string::npos;
    }
    if (haystack.isList()) {
        for (const auto &v : haystack.list())
            if (equals(v, needle))
                return true;
        return false;
    }
    if (haystack.isMapping())
        return needle.isString() && haystack.dict().find(needle.asString()) != nullptr;
    if (haystack.isUndefined())
        return false;
    throw Error("argument of type '" + haystack.typeName() + "' is not iterable");
}

static Value dictMethod(const Value &obj, const std::string &name)
{
    return Value::function(name, [obj, name](const ValueList &args, const KeywordArgs &kwargs) -> Value {
        if (name == "get") {
            const Value key = argument(args, kwargs, 0, "key");
            const Value *found = key.isString() ? obj.dict().find(key.asString()) : nullptr;
            return found ? *found : argument(args, kwargs, 1, "default", Value::none());
        }
        ValueList out;
        for (const auto &item : obj.dict().items()) {
            if (name == "items")
                out.push_back(Value::tuple(ValueList {Value(item.first), item.second}));
            else if (name == "keys")
                out.emplace_back(item.first);
            else
                out.push_back(item.second);
        }
        return Value(std::move(out));
    });
}

Value getAttribute(const Value &obj, const std::string &name, const OperationLimits &limits)
{
    if (obj.isUndefined())
        failUndefined(obj);
    if (obj.isDict() && (name == "items" || name == "keys" || name == "values" || name == "get"))
        return dictMethod(obj, name);
    if (obj.isMapping()) {
        if (const Value *v = obj.dict().find(name))
            return *v;
        return Value::undefined(
            "'" + std::string(obj.isDict() ? "dict" : "Namespace") + " object' has no attribute '" + name + "'");
    }
    if (obj.isString() && isStringMethod(name)) {
        return Value::function(name, [obj, name, limits](const ValueList &args, const KeywordArgs &kwargs) {
            return callStringMethod(obj.asString(), name, args, kwargs, limits.maxStringBytes);
        });
    }
    if (obj.isList()
        && (name == "append" || name == "pop" || name == "insert" || name == "extend" || name == "remove"
            || name == "clear" || name == "sort" || name == "reverse"))
        throw Error("access to attribute '" + name + "' of 'list' object is unsafe (templates cannot change lists)");
    return Value::undefined("'" + obj.typeName() + " object' has no attribute '" + name + "'");
}

static bool normaliseIndex(int64_t &i, size_t size)
{
    if (i < 0)
        i += static_cast<int64_t>(size);
    return i >= 0 && i < static_cast<int64_t>(size);
}

Value getItem(const Value &obj, const Value &key)
{
    if (obj.isUndefined())
        failUndefined(obj);
    if (obj.isList() && key.isInt()) {
        int64_t i = key.asInt();
        return normaliseIndex(i, obj.list().size()) ? obj.list()[static_cast<size_t>(i)]
                                                    : Value::undefined("list index out of range");
    }
    if (obj.isString() && key.isInt()) {
        const auto chars = utf8Chars(obj.asString());
        int64_t i = key.asInt();
        return normaliseIndex(i, chars.size()) ? Value(chars[static_cast<size_t>(i)])
                                               : Value::undefined("string index out of range");
    }
    if (obj.isMapping() && key.isString()) {
        if (const Value *v = obj.dict().find(key.asString()))
            return *v;
        return Value::undefined("'dict object' has no attribute '" + key.asString() + "'");
    }
    if (obj.isDict() && !key.isString())
        return Value::undefined("'dict object' has no attribute " + key.repr());
    return Value::undefined("'" + obj.typeName() + " object' has no attribute " + key.repr());
}

Value getSlice(const Value &obj, const Value &start, const Value &stop, const Value &step)
{
    auto intOr = [](const Value &v, int64_t fallback, const char *what) {
        if (v.isUndefined() || v.isNone())
            return fallback;
        if (!v.isInt())
            throw Error(std::string("slice ") + what + " must be an integer or none, not " + v.typeName());
        return v.asInt();
    };
    const int64_t s = intOr(step, 1, "step");
    if (s == 0)
        throw Error("slice step cannot be zero");
    const bool isString = obj.isString();
    if (!isString && !obj.isList())
        throw Error("'" + obj.typeName() + "' object is not subscriptable with a slice");
    const std::vector<std::string> chars = isString ? utf8Chars(obj.asString()) : std::vector<std::string>();
    const int64_t n = static_cast<int64_t>(isString ? chars.size() : obj.list().size());
    auto clamp = [&](int64_t i, int64_t lo, int64_t hi) {
        if (i < 0)
            i += n;
        return std::max(lo, std::min(hi, i));
    };
    int64_t a = s > 0 ? clamp(intOr(start, 0, "start"), 0, n) : clamp(intOr(start, n - 1, "start"), -1, n - 1);
    const int64_t b = s > 0 ? clamp(intOr(stop, n, "stop"), 0, n)
                            : (stop.isUndefined() || stop.isNone() ? -1 : clamp(stop.asInt(), -1, n - 1));
    std::string text;
    ValueList items;
    for (; s > 0 ? a < b : a > b; a += s) {
        if (isString)
            text += chars[static_cast<size_t>(a)];
        else
            items.push_back(obj.list()[static_cast<size_t>(a)]);
    }
    return isString ? Value(text) : Value(std::move(items));
}

ValueList iterate(const Value &v)
{
    if (v.isList())
        return v.list();
    if (v.isMapping()) {
        ValueList keys;
        for (const auto &item : v.dict().items())
            keys.emplace_back(item.first);
        return keys;
    }
    if (v.isString()) {
        ValueList chars;
        for (auto &c : utf8Chars(v.asString()))
            chars.emplace_back(c);
        return chars;
    }
    if (v.isUndefined())
        return {};
    throw Error("'" + v.typeName() + "' object is not iterable");
}

static Value makeRange(const ValueList &args, const OperationLimits &limits)
{
    for (const auto &a : args)
        if (!a.isInt())
            throw Error("range() takes integers, not " + a.typeName());
    if (args.empty() || args.size() > 3)
        throw Error("range() takes 1 to 3 arguments");
    const int64_t start = args.size() == 1 ? 0 : args[0].asInt();
    const int64_t stop = args.size() == 1 ? args[0].asInt() : args[1].asInt();
    const int64_t step = args.size() == 3 ? args[2].asInt() : 1;
    if (step == 0)
        throw Error("range() arg 3 must not be zero");
    ValueList out;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (limits.maxListItems && out.size() >= limits.maxListItems)
            throw Error("range() would exceed the limit of " + std::to_string(limits.maxListItems) + " items");
        out.emplace_back(i);
    }
    return Value(std::move(out));
}

Dict defaultGlobals(const OperationLimits &limits)
{
    Dict globals;
    globals.set("range", Value::function("range", [limits](const ValueList &args, const KeywordArgs &) {
        return makeRange(args, limits);
    }));
    auto fromArgs = [](const ValueList &args, const KeywordArgs &kwargs) {
        Dict d;
        for (const auto &a : args) {
            if (!a.isMapping())
                throw Error("expected a mapping or keyword arguments, got " + a.typeName());
            for (const auto &item : a.dict().items())
                d.set(item.first, item.second);
        }
        for (const auto &kw : kwargs)
            d.set(kw.first, kw.second);
        return d;
    };
    globals.set("namespace", Value::function("namespace", [fromArgs](const ValueList &args, const KeywordArgs &kw) {
        return Value::namespaceOf(fromArgs(args, kw));
    }));
    globals.set("dict", Value::function("dict", [fromArgs](const ValueList &args, const KeywordArgs &kw) {
        return Value(fromArgs(args, kw));
    }));
    return globals;
}

} // namespace dlm::jinja
