#include "core/text/jinja_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
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
    try {
        // Deep nesting would overflow the stack in fromJson; JSON for chats is shallow.
        int depth = 0;
        int maxDepth = 0;
        bool inString = false;
        for (size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            if (inString) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    inString = false;
                continue;
            }
            inString = c == '"';
            depth += (c == '[' || c == '{') ? 1 : (c == ']' || c == '}') ? -1 : 0;
            maxDepth = std::max(maxDepth, depth);
        }
        if (maxDepth > 200)
            return Result<jinja::Value>::failure(origin + ": JSON nests deeper than 200 levels");
        return fromJson(nlohmann::ordered_json::parse(text));
    } catch (const jinja::Error &e) {
        return Result<jinja::Value>::failure(origin + ": " + e.what());
    } catch (const nlohmann::json::exception &e) {
        std::string what = e.what();
        const size_t close = what.find("] ");
        if (!what.empty() && what.front() == '[' && close != std::string::npos)
            what.erase(0, close + 2);
        return Result<jinja::Value>::failure(origin + ": not valid JSON: " + what);
    }
}

} // namespace dlm
