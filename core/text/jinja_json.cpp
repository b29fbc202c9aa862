#include "core/text/jinja_json.h"

#include "core/base/json_reader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>

namespace dlm {

namespace {

jinja::Value fromJson(const nlohmann::ordered_json &j)
{
    switch (j.type()) {
    case nlohmann::ordered_json::value_t::null:
        return jinja::Value::none();
    case nlohmann::ordered_json::value_t::boolean:
        return jinja::Value(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
        return jinja::Value(j.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
        if (j.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX))
            return jinja::Value(static_cast<int64_t>(j.get<uint64_t>()));
        return jinja::Value(j.get<double>());
    case nlohmann::ordered_json::value_t::number_float:
        return jinja::Value(j.get<double>());
    case nlohmann::ordered_json::value_t::string:
        return jinja::Value(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
        jinja::ValueList items;
        for (const auto &item : j)
            items.push_back(fromJson(item));
        return jinja::Value(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
        jinja::Dict d;
        for (auto it = j.begin(); it != j.end(); ++it)
            d.set(it.key(), fromJson(it.value()));
        return jinja::Value(std::move(d));
    }
    default:
        return jinja::Value::none();
    }
}

} // namespace

Result<jinja::Value> parseJsonValue(const std::string &text, const std::string &origin)
{
    // The project's JSON reader bounds the nesting (fromJson recurses) and words parse errors; key order is
    // kept because templates show it (tojson, items()).
    auto parsed = parseOrderedJson(text, origin);
    if (!parsed)
        return Result<jinja::Value>::failure(parsed.error());
    try {
        return fromJson(*parsed);
    } catch (const jinja::Error &e) {
        return Result<jinja::Value>::failure(origin + ": " + e.what());
    }
}

} // namespace dlm

namespace dlm::jinja {

// json.dumps(ensure_ascii=False) as transformers' tojson filter calls it (declared in jinja_value.h).
static std::string jsonString(const std::string &s)
{
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

static void dumpJson(const Value &v, const JsonOptions &o, int depth, std::string &out)
{
    if (depth > kMaxValueDepth + 8) // values are bounded when built; this only guards the recursion
        throw Error("a value nests too deep to serialise");
    auto newline = [&](int level) {
        if (!o.hasIndent)
            return;
        out += '\n';
        for (int i = 0; i < level; ++i)
            out += o.indent;
    };
    switch (v.type()) {
    case Value::Type::None:
        out += "null";
        return;
    case Value::Type::Bool:
        out += v.asBool() ? "true" : "false";
        return;
    case Value::Type::Int:
        out += std::to_string(v.asInt());
        return;
    case Value::Type::Float: {
        const double d = v.asDouble();
        out += std::isnan(d) ? "NaN" : std::isinf(d) ? (d < 0 ? "-Infinity" : "Infinity") : formatFloat(d);
        return;
    }
    case Value::Type::String:
        out += jsonString(v.asString());
        return;
    case Value::Type::List: {
        if (v.list().empty()) {
            out += "[]";
            return;
        }
        out += '[';
        for (size_t i = 0; i < v.list().size(); ++i) {
            if (i)
                out += o.itemSeparator;
            newline(depth + 1);
            dumpJson(v.list()[i], o, depth + 1, out);
        }
        newline(depth);
        out += ']';
        return;
    }
    case Value::Type::Dict: {
        if (v.dict().size() == 0) {
            out += "{}";
            return;
        }
        auto items = v.dict().items();
        if (o.sortKeys)
            std::stable_sort(
                items.begin(), items.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        out += '{';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i)
                out += o.itemSeparator;
            newline(depth + 1);
            out += jsonString(items[i].first) + o.keySeparator;
            dumpJson(items[i].second, o, depth + 1, out);
        }
        newline(depth);
        out += '}';
        return;
    }
    default:
        throw Error("Object of type " + v.typeName() + " is not JSON serializable");
    }
}

std::string toJson(const Value &value, const JsonOptions &options)
{
    std::string out;
    dumpJson(value, options, 0, out);
    return out;
}

} // namespace dlm::jinja
