#pragma once
// A model's chat template: the Jinja2 text that turns a conversation into the prompt the model was tuned on,
// read from the model directory and rendered exactly as transformers' apply_chat_template(tokenize=False).

#include "core/base/result.h"
#include "core/text/chat_message.h"
#include "core/text/jinja_template.h"
#include "core/text/jinja_value.h"

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dlm {

/** The clock behind `strftime_now`; tests inject a fixed date. */
using ChatClock = std::function<std::tm()>;

/**
 * The globals transformers adds to every chat template: `raise_exception(msg)` (fails the render with the
 * message) and `strftime_now(format)` (today's date from `clock`, local time when none is given).
 */
jinja::Dict transformersGlobals(ChatClock clock = {});

/** A parsed chat template plus the special tokens (bos_token, eos_token, ...) it may refer to. */
class ChatTemplate
{
public:
    /**
     * Reads `dir`'s chat template: `chat_template.jinja` when present (newer transformers save it there and it
     * wins), else `chat_template` in `tokenizer_config.json`, either a string or a list of {name, template}
     * of which "default" is used. Special tokens come from tokenizer_config.json: every `*_token` that is a
     * string or a {content: ...} object. Fails naming the file and field when there is no template or it is bad.
     */
    static Result<ChatTemplate> fromModelDirectory(const std::string &dir);
    /** As fromModelDirectory(), but a directory without any template gives nullopt instead of a failure. */
    static Result<std::optional<ChatTemplate>> findInModelDirectory(const std::string &dir);

    /** Parses template text; `origin` names where it came from in error messages. */
    static Result<ChatTemplate> fromSource(
        const std::string &source, const std::string &origin, jinja::Dict specialTokens = {});

    /** Renders `messages` as `apply_chat_template(messages, add_generation_prompt=..., tokenize=False)`. */
    Result<std::string> render(const std::vector<ChatMessage> &messages, bool addGenerationPrompt) const;
    /** Renders with `variables` (messages, add_generation_prompt, anything else) over the special tokens. */
    Result<std::string> renderWith(const jinja::Dict &variables) const;

    const std::string &source() const { return m_source; }
    const std::string &origin() const { return m_origin; }
    const jinja::Dict &specialTokens() const { return m_specialTokens; }
    void setClock(ChatClock clock) { m_clock = std::move(clock); }
    void setLimits(const JinjaLimits &limits) { m_limits = limits; }

private:
    JinjaTemplate m_template;
    std::string m_source;
    std::string m_origin;
    jinja::Dict m_specialTokens;
    ChatClock m_clock;
    JinjaLimits m_limits;
};

} // namespace dlm
