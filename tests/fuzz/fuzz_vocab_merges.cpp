// Fuzzes the vocab.json + merges.txt layout: the input's NUL-separated parts are vocab.json, merges.txt,
// tokenizer_config.json and added_tokens.json (the last two absent when the input has fewer parts).
#include "core/text/hf_vocab_merges.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dlm;
    const std::vector<std::string> parts = fuzz::splitParts(data, size, 4);
    VocabMergesTexts texts;
    texts.dir = "model";
    texts.vocab = parts[0];
    texts.merges = parts.size() > 1 ? parts[1] : std::string();
    if (parts.size() > 2)
        texts.tokenizerConfig = parts[2];
    if (parts.size() > 3)
        texts.addedTokens = parts[3];
    nlohmann::json config;
    auto json = vocabMergesFromTexts(texts, &config);
    if (!json) {
        fuzz::checkMessage(json.error());
        return 0;
    }
    auto tokenizer = HfTokenizer::fromJson(*json, config, "model/vocab.json");
    if (!tokenizer) {
        fuzz::checkMessage(tokenizer.error());
        return 0;
    }
    fuzz::exerciseTokenizer(**tokenizer, "hello there");
    return 0;
}
