#include "core/text/chat_template.h"

#include "core/base/file_util.h"
#include "core/base/json_reader.h"
#include "core/text/jinja_builtins.h"

#include <nlohmann/json.hpp>

#include <cstring>

namespace dlm {

namespace {

std::tm localNow()
{
    const std::time_t t = std::time(nullptr);
    std::tm out {};
    localtime_r(&t, &out);
    return out;
}

// A special token is written either as its text or as an AddedToken object {"content": ..., "lstrip": ...}.
bool tokenText(const nlohmann::json &v, std::string *out)
{
    if (v.is_string()) {
        *out = v.get<std::string>();
        return true;
    }
    if (v.is_object() && v.contains("content") && v["content"].is_string()) {
        *out = v["content"].get<std::string>();
        return true;
    }
    return false;
}

jinja::Dict specialTokensOf(const nlohmann::json &config)
{
    jinja::Dict tokens;
    for (auto it = config.begin(); it != config.end(); ++it) {
        const std::string &key = it.key();
        std::string text;
        if (key.size() > 6 && key.compare(key.size() - 6, 6, "_token") == 0 && tokenText(it.value(), &text))
            tokens.set(key, jinja::Value(text));
    }
    const auto extra = config.find("additional_special_tokens");
    if (extra != config.end() && extra->is_array()) {
        jinja::ValueList list;
        for (const auto &v : *extra) {
            std::string text;
            if (tokenText(v, &text))
                list.emplace_back(text);
        }
        tokens.set("additional_special_tokens", jinja::Value(std::move(list)));
    }
    return tokens;
}

// transformers: a string, or a list of {"name", "template"} of which "default" is what apply_chat_template uses.
Result<std::string> templateField(const nlohmann::json &field, const std::string &file)
{
    const std::string where = file + ": chat_template: ";
    if (field.is_string())
        return field.get<std::string>();
    if (!field.is_array())
        return Result<std::string>::failure(where + "expected a string or a list of {name, template}");
    for (size_t i = 0; i < field.size(); ++i) {
        const auto &entry = field[i];
        if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() || !entry.contains("template")
            || !entry["template"].is_string())
            return Result<std::string>::failure(
                where + "[" + std::to_string(i) + "]: expected an object with string 'name' and 'template'");
        if (entry["name"] == "default")
            return entry["template"].get<std::string>();
    }
    return Result<std::string>::failure(where + "none of the named templates is called 'default'");
}

} // namespace

jinja::Dict transformersGlobals(ChatClock clock)
{
    jinja::Dict globals;
    globals.set("raise_exception",
        jinja::Value::function("raise_exception", [](const jinja::ValueList &args, const jinja::KeywordArgs &kwargs) {
            const jinja::Value message = jinja::argument(args, kwargs, 0, "message");
            throw jinja::Error("the template raised an error: " + message.str());
            return jinja::Value();
        }));
    globals.set("strftime_now",
        jinja::Value::function("strftime_now", [clock](const jinja::ValueList &args, const jinja::KeywordArgs &kwargs) {
            const jinja::Value format = jinja::argument(args, kwargs, 0, "format");
            if (!format.isString())
                throw jinja::Error("strftime_now needs a format string, not " + format.typeName());
            const std::tm now = clock ? clock() : localNow();
            std::string out(256 + format.asString().size() * 16, '\0');
            const size_t n = std::strftime(&out[0], out.size(), format.asString().c_str(), &now);
            if (n == 0 && !format.asString().empty())
                throw jinja::Error("strftime_now could not format '" + format.asString() + "'");
            out.resize(n);
            return jinja::Value(out);
        }));
    return globals;
}

Result<ChatTemplate> ChatTemplate::fromSource(
    const std::string &source, const std::string &origin, jinja::Dict specialTokens)
{
    auto parsed = JinjaTemplate::parse(source);
    if (!parsed)
        return Result<ChatTemplate>::failure(origin + ": " + parsed.error());
    ChatTemplate t;
    t.m_template = std::move(*parsed);
    t.m_source = source;
    t.m_origin = origin;
    t.m_specialTokens = std::move(specialTokens);
    return t;
}

Result<std::optional<ChatTemplate>> ChatTemplate::findInModelDirectory(const std::string &dir)
{
    using R = Result<std::optional<ChatTemplate>>;
    const std::string configPath = joinPath(dir, "tokenizer_config.json");
    const std::string jinjaPath = joinPath(dir, "chat_template.jinja");
    nlohmann::json config = nlohmann::json::object();
    if (fileExists(configPath)) {
        auto text = readTextFile(configPath);
        if (!text)
            return R::failure(text.error());
        auto parsed = parseJson(*text, configPath);
        if (!parsed)
            return R::failure(parsed.error());
        config = std::move(*parsed);
        if (!config.is_object())
            return R::failure(configPath + ": expected a JSON object");
    }
    jinja::Dict tokens = specialTokensOf(config);
    Result<ChatTemplate> found = Result<ChatTemplate>::failure(std::string());
    if (fileExists(jinjaPath)) {
        auto text = readTextFile(jinjaPath);
        if (!text)
            return R::failure(text.error());
        found = fromSource(*text, jinjaPath, std::move(tokens));
    } else {
        const auto field = config.find("chat_template");
        if (field == config.end() || field->is_null())
            return std::optional<ChatTemplate>();
        auto source = templateField(*field, configPath);
        if (!source)
            return R::failure(source.error());
        found = fromSource(*source, configPath + ": chat_template", std::move(tokens));
    }
    if (!found)
        return R::failure(found.error());
    return std::optional<ChatTemplate>(std::move(*found));
}

Result<ChatTemplate> ChatTemplate::fromModelDirectory(const std::string &dir)
{
    auto found = findInModelDirectory(dir);
    if (!found)
        return Result<ChatTemplate>::failure(found.error());
    if (!*found)
        return Result<ChatTemplate>::failure(dir
            + ": no chat template (neither chat_template.jinja nor a "
              "chat_template in tokenizer_config.json)");
    return std::move(**found);
}

Result<std::string> ChatTemplate::renderWith(const jinja::Dict &variables) const
{
    jinja::Dict all = transformersGlobals(m_clock);
    for (const auto &item : m_specialTokens.items())
        all.set(item.first, item.second);
    // apply_chat_template always passes these, as None when the caller has none.
    all.set("tools", jinja::Value::none());
    all.set("documents", jinja::Value::none());
    for (const auto &item : variables.items())
        all.set(item.first, item.second);
    auto out = m_template.render(all, m_limits);
    if (!out)
        return Result<std::string>::failure(m_origin + ": " + out.error());
    return out;
}

Result<std::string> ChatTemplate::render(const std::vector<ChatMessage> &messages, bool addGenerationPrompt) const
{
    jinja::ValueList list;
    for (const auto &m : messages) {
        jinja::Dict d;
        d.set("role", jinja::Value(m.role));
        d.set("content", jinja::Value(m.content));
        list.emplace_back(std::move(d));
    }
    jinja::Dict variables;
    variables.set("messages", jinja::Value(std::move(list)));
    variables.set("add_generation_prompt", jinja::Value(addGenerationPrompt));
    return renderWith(variables);
}

} // namespace dlm
