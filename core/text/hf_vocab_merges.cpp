#include "core/text/hf_vocab_merges.h"

#include "core/base/file_util.h"
#include "core/text/hf_json.h"

#include <fstream>
#include <set>

namespace dlm {

namespace {

constexpr const char *kQwen2Pattern
    = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

nlohmann::json byteLevel(bool useRegex)
{
    return {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", useRegex}};
}

/** merges.txt as a list of "left right" strings; a line without two parts is an error naming the line. */
Result<nlohmann::json> readMerges(const std::string &path, const nlohmann::json &vocab)
{
    if (const Status regular = checkRegularFile(path); !regular)
        return Result<nlohmann::json>::failure(regular.error());
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Result<nlohmann::json>::failure(path + ": cannot be read");
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
                return Result<nlohmann::json>::failure(
                    path + ": line " + std::to_string(number) + ": '" + part + "' is not in vocab.json");
        merges.push_back(line);
    }
    return merges;
}

} // namespace

Result<nlohmann::json> vocabMergesToTokenizerJson(const std::string &dir, nlohmann::json *configOut)
{
    using R = Result<nlohmann::json>;
    const std::string vocabPath = joinPath(dir, "vocab.json");
    Result<nlohmann::json> vocab = readJsonFile(vocabPath);
    if (!vocab)
        return vocab;
    if (!vocab->is_object())
        return R::failure(vocabPath + ": expected an object of token: id");
    Result<nlohmann::json> merges = readMerges(joinPath(dir, "merges.txt"), *vocab);
    if (!merges)
        return merges;

    nlohmann::json config = nlohmann::json::object();
    const std::string configPath = joinPath(dir, "tokenizer_config.json");
    if (fileExists(configPath)) {
        Result<nlohmann::json> parsed = readJsonFile(configPath);
        if (!parsed)
            return parsed;
        config = std::move(*parsed);
    }
    const std::string tokenizerClass = config.is_object() ? config.value("tokenizer_class", std::string()) : "";
    const bool qwen2 = tokenizerClass.find("Qwen2") != std::string::npos;

    // Added tokens: tokenizer_config.json's added_tokens_decoder says how each is matched; added_tokens.json
    // only lists names and ids, which are then special and matched as typed.
    nlohmann::json added = nlohmann::json::array();
    std::set<std::string> seen;
    if (config.is_object() && config.contains("added_tokens_decoder") && config["added_tokens_decoder"].is_object()) {
        for (const auto &[id, token] : config["added_tokens_decoder"].items()) {
            if (!token.is_object() || !token.contains("content"))
                return R::failure(configPath + ": added_tokens_decoder." + id + ": expected {\"content\": ...}");
            nlohmann::json entry = token;
            try {
                entry["id"] = std::stoll(id);
            } catch (const std::exception &) {
                return R::failure(configPath + ": added_tokens_decoder." + id + ": the key is not an id");
            }
            seen.insert(token["content"].get<std::string>());
            added.push_back(entry);
        }
    }
    const std::string addedPath = joinPath(dir, "added_tokens.json");
    if (fileExists(addedPath)) {
        Result<nlohmann::json> list = readJsonFile(addedPath);
        if (!list)
            return list;
        for (const auto &[content, id] : list->items()) {
            int64_t value = -1;
            if (!JsonReader::asInteger(id, &value) || value < 0)
                return R::failure(addedPath + ": " + JsonReader::child(JsonReader::root(), content) +
                                  ": expected a token id, got " + JsonReader::quote(id));
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
