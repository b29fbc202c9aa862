// Fuzzes a chat template: parsing, then rendering under small limits (output, loops, macro calls, time), with
// the variables of the input's second part (a JSON object; NUL-separated) or a short conversation.
#include "core/text/chat_template.h"
#include "core/text/jinja_json.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dlm;
    const std::vector<std::string> parts = fuzz::splitParts(data, size, 2);
    jinja::Dict special;
    special.set("bos_token", jinja::Value(std::string("<s>")));
    special.set("eos_token", jinja::Value(std::string("</s>")));
    auto parsed = ChatTemplate::fromSource(parts[0], "chat_template", special);
    if (!parsed) {
        fuzz::checkMessage(parsed.error());
        return 0;
    }
    ChatTemplate &chat = *parsed;
    JinjaLimits limits;
    limits.maxOutputBytes = 64 * 1024;
    limits.maxLoopIterations = 10000;
    limits.maxMacroCalls = 10000;
    limits.maxSeconds = 1.0;
    chat.setLimits(limits);
    chat.setClock([] { return std::tm {}; });

    Result<std::string> out
        = chat.render({{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello!"}, {"user", "2+2?"}}, true);
    if (parts.size() > 1) {
        auto variables = parseJsonValue(parts[1], "variables");
        if (variables && variables->isDict())
            out = chat.renderWith(variables->dict());
    }
    if (!out)
        fuzz::checkMessage(out.error());
    else
        fuzz::check(out->size() <= limits.maxOutputBytes, "rendered past the output limit");
    return 0;
}
