// Fuzzes tokenizer.json (and, after a NUL, tokenizer_config.json and a text to encode): load, then encode
// and decode a little text.
#include "core/base/json_reader.h"
#include "core/text/hf_tokenizer.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dlm;
    const std::vector<std::string> parts = fuzz::splitParts(data, size, 3);
    auto json = parseJson(parts[0], "tokenizer.json");
    if (!json) {
        fuzz::checkMessage(json.error());
        return 0;
    }
    nlohmann::json config;
    if (parts.size() > 1 && !parts[1].empty()) {
        auto parsed = parseJson(parts[1], "tokenizer_config.json");
        if (!parsed) {
            fuzz::checkMessage(parsed.error());
            return 0;
        }
        config = std::move(*parsed);
    }
    auto tokenizer = HfTokenizer::fromJson(*json, config, "tokenizer.json");
    if (!tokenizer) {
        fuzz::checkMessage(tokenizer.error());
        return 0;
    }
    fuzz::exerciseTokenizer(**tokenizer, parts.size() > 2 ? parts[2] : std::string("a b"));
    return 0;
}
