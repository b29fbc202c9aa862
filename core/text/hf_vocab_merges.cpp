#include "core/text/hf_vocab_merges.h"

#include "core/base/file_util.h"
#include "core/base/message_quote.h"
#include "core/text/hf_json.h"

#include <sstream>
#include <climits>
#include <set>

namespace dlm {

namespace {

constexpr const char *kQwen2Pattern
    = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

/** How a tokenizer class cuts text into words before BPE: GPT-2's regex, or Qwen2's (NFC first, letters with one
 *  leading non-letter such as "-out", digits one by one). */
enum class WordRules { Gpt2, Qwen2 };

struct TokenizerClassRules
{
    const char *name;
    WordRules rules;
};

// The tokenizer classes published checkpoints name in tokenizer_config.json for vocab.json + merges.txt, and
// the rules each applies (transformers' tokenization_gpt2.py, tokenization_codegen.py, tokenization_qwen2.py).
// Dream's tokenization_dream.py is Qwen2's tokenizer under another name. RobertaTokenizer and its kin (Bart,
// Longformer) are left out on purpose: GPT-2's regex, but they wrap every text in <s> ... </s> and strip the
// space before <mask>, which this pipeline does not do, so loading them would tokenize differently.
constexpr TokenizerClassRules kTokenizerClasses[] = {
    {"GPT2Tokenizer", WordRules::Gpt2},
    {"GPT2TokenizerFast", WordRules::Gpt2},
    {"CodeGenTokenizer", WordRules::Gpt2},
    {"CodeGenTokenizerFast", WordRules::Gpt2},
    {"Qwen2Tokenizer", WordRules::Qwen2},
    {"Qwen2TokenizerFast", WordRules::Qwen2},
    {"DreamTokenizer", WordRules::Qwen2},
};

/** The rules of tokenizer_config.json's `tokenizer_class`; a class not in the table is refused, not guessed. */
Result<WordRules> wordRules(const nlohmann::json &config, const std::string &configPath)
{
    using R = Result<WordRules>;
    const auto it = config.find("tokenizer_class");
    // No class named: GPT-2's own checkpoints ship this layout without one (transformers then goes by
    // config.json's model_type), so a bare directory is GPT-2's, as it always was here.
    if (it == config.end() || it->is_null())
        return WordRules::Gpt2;
    const std::string at = JsonReader::child(JsonReader::root(), "tokenizer_class");
    if (!it->is_string())
        return R::failure(configPath + ": " + at + ": expected a string, got " + JsonReader::typeName(*it));
    const std::string name = it->get<std::string>();
    std::string supported;
    for (const TokenizerClassRules &c : kTokenizerClasses) {
        if (name == c.name)
            return c.rules;
        supported += std::string(supported.empty() ? "" : ", ") + c.name;
    }
    return R::failure(configPath + ": " + at + ": unknown tokenizer class '" + messageQuote(name, 80)
        + "' for vocab.json + merges.txt; supported: " + supported);
}

nlohmann::json byteLevel(bool useRegex)
{
    return {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", useRegex}};
}

/** merges.txt as a list of "left right" strings; a line without two parts is an error naming the line. */
Result<nlohmann::json> readMerges(const std::string &text, const std::string &path, const nlohmann::json &vocab)
{
    std::istringstream in(text);
    nlohmann::json merges = nlohmann::json::array();
    std::string line;
    constexpr size_t kMaxMerges = 2000000; // as for tokenizer.json: real files have a few hundred thousand
    for (size_t number = 1; std::getline(in, line); ++number) {
        if (merges.size() >= kMaxMerges)
            return Result<nlohmann::json>::failure(
                path + ": more than " + std::to_string(kMaxMerges) + " merges, the limit for merges.txt");
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || (number == 1 && line.rfind("#version", 0) == 0))
            continue;
        const size_t space = line.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 >= line.size()
            || line.find(' ', space + 1) != std::string::npos)
            return Result<nlohmann::json>::failure(
                path + ": line " + std::to_string(number) + ": expected two tokens separated by one space");
        for (const std::string &part : {line.substr(0, space), line.substr(space + 1)})
            if (!vocab.contains(part))
                return Result<nlohmann::json>::failure(path + ": line " + std::to_string(number) + ": '"
                    + messageQuote(part, 80) + "' is not in vocab.json");
        merges.push_back(line);
    }
    return merges;
}

/** A decimal token id in [0, INT32_MAX] ("12"), as the keys of added_tokens_decoder spell them. */
std::optional<int32_t> parseTokenId(const std::string &text)
{
    if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    const int64_t value = std::stoll(text);
    return value <= INT32_MAX ? std::optional<int32_t>(int32_t(value)) : std::nullopt;
}

/** A file's text, or nothing (and no error) when it is absent. */
Result<std::optional<std::string>> readOptional(const std::string &path)
{
    if (!fileExists(path))
        return std::optional<std::string>();
    Result<std::string> text = readTextFile(path);
    if (!text)
        return Result<std::optional<std::string>>::failure(text.error());
    return std::optional<std::string>(std::move(*text));
}

} // namespace

Result<nlohmann::json> vocabMergesToTokenizerJson(const std::string &dir, nlohmann::json *configOut)
{
    VocabMergesTexts texts;
    texts.dir = dir;
    for (auto [name, out] : {std::pair("vocab.json", &texts.vocab), std::pair("merges.txt", &texts.merges)}) {
        Result<std::string> text = readTextFile(joinPath(dir, name));
        if (!text)
            return Result<nlohmann::json>::failure(text.error());
        *out = std::move(*text);
    }
    for (auto [name, out] : {std::pair("tokenizer_config.json", &texts.tokenizerConfig),
             std::pair("added_tokens.json", &texts.addedTokens)}) {
        Result<std::optional<std::string>> text = readOptional(joinPath(dir, name));
        if (!text)
            return Result<nlohmann::json>::failure(text.error());
        *out = std::move(*text);
    }
    return vocabMergesFromTexts(texts, configOut);
}

Result<nlohmann::json> vocabMergesFromTexts(const VocabMergesTexts &texts, nlohmann::json *configOut)
{
    using R = Result<nlohmann::json>;
    const std::string &dir = texts.dir;
    const std::string vocabPath = joinPath(dir, "vocab.json");
    Result<nlohmann::json> vocab = parseJson(texts.vocab, vocabPath);
    if (!vocab)
        return vocab;
    if (!vocab->is_object())
        return R::failure(vocabPath + ": expected an object of token: id");
    Result<nlohmann::json> merges = readMerges(texts.merges, joinPath(dir, "merges.txt"), *vocab);
    if (!merges)
        return merges;

    nlohmann::json config = nlohmann::json::object();
    const std::string configPath = joinPath(dir, "tokenizer_config.json");
    if (texts.tokenizerConfig) {
        Result<nlohmann::json> parsed = parseJson(*texts.tokenizerConfig, configPath);
        if (!parsed)
            return parsed;
        config = std::move(*parsed);
        if (!config.is_object())
            return R::failure(configPath + ": expected an object, got " + JsonReader::typeName(config));
    }
    const Result<WordRules> rules = wordRules(config, configPath);
    if (!rules)
        return R::failure(rules.error());
    const bool qwen2 = *rules == WordRules::Qwen2;

    // Added tokens: tokenizer_config.json's added_tokens_decoder says how each is matched; added_tokens.json
    // only lists names and ids, which are then special and matched as typed.
    nlohmann::json added = nlohmann::json::array();
    std::set<std::string> seen;
    if (config.contains("added_tokens_decoder") && config["added_tokens_decoder"].is_object()) {
        const std::string decoderPath = JsonReader::child(JsonReader::root(), "added_tokens_decoder");
        for (const auto &[id, token] : config["added_tokens_decoder"].items()) {
            const std::string at = JsonReader::child(decoderPath, id);
            // A content that is not a string threw out of the loader (nlohmann type_error).
            if (!token.is_object() || !token.contains("content") || !token["content"].is_string())
                return R::failure(configPath + ": " + at + ": expected {\"content\": \"...\"}");
            nlohmann::json entry = token;
            const std::optional<int32_t> value = parseTokenId(id);
            if (!value)
                return R::failure(configPath + ": " + at + ": the key is not a token id");
            entry["id"] = *value;
            seen.insert(token["content"].get<std::string>());
            added.push_back(entry);
        }
    }
    const std::string addedPath = joinPath(dir, "added_tokens.json");
    if (texts.addedTokens) {
        Result<nlohmann::json> list = parseJson(*texts.addedTokens, addedPath);
        if (!list)
            return list;
        if (!list->is_object())
            return R::failure(addedPath + ": expected an object of token: id, got " + JsonReader::typeName(*list));
        for (const auto &[content, id] : list->items()) {
            int64_t value = -1;
            if (!JsonReader::asInteger(id, &value) || value < 0)
                return R::failure(addedPath + ": " + JsonReader::child(JsonReader::root(), content)
                    + ": expected a token id, got " + JsonReader::quote(id));
            if (seen.insert(content).second)
                added.push_back({{"id", id}, {"content", content}, {"special", true}, {"normalized", false}});
        }
    }
    // GPT-2's and Qwen2's end of text is in vocab.json itself, and is special all the same.
    const std::string endOfText = "<|endoftext|>";
    if (vocab->contains(endOfText) && seen.insert(endOfText).second)
        added.push_back(
            {{"id", (*vocab)[endOfText]}, {"content", endOfText}, {"special", true}, {"normalized", false}});
    if (!qwen2 && !config.contains("eos_token") && vocab->contains(endOfText)) {
        config["bos_token"] = endOfText;
        config["eos_token"] = endOfText;
    }

    nlohmann::json j;
    j["model"] = {{"type", "BPE"}, {"vocab", std::move(*vocab)}, {"merges", std::move(*merges)}};
    j["added_tokens"] = added;
    j["decoder"] = byteLevel(true);
    j["post_processor"] = byteLevel(true);
    if (qwen2) {
        j["normalizer"] = {{"type", "NFC"}};
        j["pre_tokenizer"] = {{"type", "Sequence"},
            {"pretokenizers",
                {{{"type", "Split"}, {"pattern", {{"Regex", kQwen2Pattern}}}, {"behavior", "Isolated"},
                     {"invert", false}},
                    byteLevel(false)}}};
    } else {
        j["normalizer"] = nullptr;
        j["pre_tokenizer"] = byteLevel(true);
    }
    if (configOut)
        *configOut = config;
    return j;
}

Result<std::shared_ptr<HfTokenizer>> loadVocabMergesTokenizer(const std::string &dir)
{
    nlohmann::json config;
    Result<nlohmann::json> j = vocabMergesToTokenizerJson(dir, &config);
    if (!j)
        return Result<std::shared_ptr<HfTokenizer>>::failure(j.error());
    return HfTokenizer::fromJson(*j, config, joinPath(dir, "vocab.json"));
}

} // namespace dlm
