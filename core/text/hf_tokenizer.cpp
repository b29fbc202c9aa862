#include "core/text/hf_tokenizer.h"

#include "core/base/file_util.h"

#include "core/text/hf_json.h"
#include "core/base/utf8.h"

#include <fstream>
#include <sstream>

namespace dlm {

namespace {

/** A token named in tokenizer_config.json: "<s>", {"content": "<s>", ...}, or null. */
std::string configToken(const nlohmann::json &config, const char *key)
{
    if (!config.is_object())
        return {};
    const auto it = config.find(key);
    if (it == config.end())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
        return (*it)["content"].get<std::string>();
    return {};
}

} // namespace

std::string unusedPiece(int32_t id)
{
    return "<unused " + std::to_string(id) + ">";
}

Result<nlohmann::json> readJsonFile(const std::string &path)
{
    if (const Status regular = checkRegularFile(path); !regular)
        return Result<nlohmann::json>::failure(regular.error());
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Result<nlohmann::json>::failure(path + ": cannot be read");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parseJson(buffer.str(), path);
}

Result<std::shared_ptr<HfTokenizer>> HfTokenizer::loadFile(const std::string &path)
{
    using R = Result<std::shared_ptr<HfTokenizer>>;
    Result<nlohmann::json> json = readJsonFile(path);
    if (!json)
        return R::failure(json.error());
    nlohmann::json config;
    const size_t slash = path.rfind('/');
    const std::string configPath
        = (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + "tokenizer_config.json";
    if (fileExists(configPath)) { // not an ifstream probe: opening a FIFO would block
        Result<nlohmann::json> parsed = readJsonFile(configPath);
        if (!parsed)
            return R::failure(parsed.error());
        config = std::move(*parsed);
    }
    return fromJson(*json, config, path);
}

Result<std::shared_ptr<HfTokenizer>> HfTokenizer::fromJson(
    const nlohmann::json &tokenizerJson, const nlohmann::json &config, const std::string &sourcePath)
{
    std::shared_ptr<HfTokenizer> tokenizer(new HfTokenizer());
    tokenizer->m_path = sourcePath;
    try {
        tokenizer->build(tokenizerJson, config);
    } catch (const HfFormatError &e) {
        return Result<std::shared_ptr<HfTokenizer>>::failure(sourcePath + ": " + e.what());
    } catch (const nlohmann::json::exception &e) {
        return Result<std::shared_ptr<HfTokenizer>>::failure(sourcePath + ": " + e.what());
    }
    return tokenizer;
}

void HfTokenizer::build(const nlohmann::json &j, const nlohmann::json &config)
{
    if (!j.is_object())
        hfFail("(top level)", "expected an object");
    m_model = std::make_unique<BpeModel>(hfRequire(j, "", "model"), "model");
    m_normalizer = makeHfNormalizer(j.value("normalizer", nlohmann::json()), "normalizer");
    m_preTokenizer = makeHfPreTokenizer(j.value("pre_tokenizer", nlohmann::json()), "pre_tokenizer");
    m_postProcessor = makeHfPostProcessor(j.value("post_processor", nlohmann::json()), "post_processor");
    m_decoder = makeHfDecoder(j.value("decoder", nlohmann::json()), "decoder");
    m_idLimit = m_model->idLimit();

    const nlohmann::json added = j.value("added_tokens", nlohmann::json::array());
    if (!added.is_array())
        hfFail("added_tokens", "expected an array");
    for (size_t i = 0; i < added.size(); ++i) {
        const std::string path = "added_tokens[" + std::to_string(i) + "]";
        AddedToken token;
        token.content = hfString(added[i], path, "content");
        const long long id = hfIntOr(added[i], path, "id", -1);
        if (id < 0 || id > (1LL << 30))
            hfFail(hfPath(path, "id"), "missing or not a non-negative integer");
        token.id = static_cast<int32_t>(id);
        token.special = hfBoolOr(added[i], path, "special", false);
        token.normalized = hfBoolOr(added[i], path, "normalized", !token.special);
        token.lstrip = hfBoolOr(added[i], path, "lstrip", false);
        token.rstrip = hfBoolOr(added[i], path, "rstrip", false);
        token.singleWord = hfBoolOr(added[i], path, "single_word", false);
        const bool normalize = token.normalized && m_normalizer;
        token.normalized = normalize;
        m_added.add(token, normalize ? m_normalizer(token.content) : token.content);
        m_addedById[token.id] = token.content;
        m_addedByContent[token.content] = token.id;
        if (token.special)
            m_specialIds.insert(token.id);
        m_idLimit = std::max(m_idLimit, token.id + 1);
    }
    const std::string bos = configToken(config, "bos_token"), eos = configToken(config, "eos_token");
    m_bosId = bos.empty() ? -1 : pieceToId(bos);
    m_eosId = eos.empty() ? -1 : pieceToId(eos);
}

std::vector<int32_t> HfTokenizer::encode(const std::string &text) const
{
    return encode(text, false);
}

std::vector<int32_t> HfTokenizer::encode(const std::string &text, bool addSpecialTokens) const
{
    // Rust strings are always valid UTF-8; broken input is repaired the way a reader of the file would see it.
    const std::string repaired = utf8Lossy(text);
    std::vector<int32_t> ids;
    ids.reserve(repaired.size() / 3 + 4);
    for (const TextSegment &segment : m_added.split(repaired, false)) {
        if (segment.id >= 0) {
            ids.push_back(segment.id);
            continue;
        }
        const std::string normalized = m_normalizer ? m_normalizer(segment.text) : segment.text;
        for (const TextSegment &part : m_added.split(normalized, true)) {
            if (part.id >= 0)
                ids.push_back(part.id);
            else
                encodePlain(part.text, segment.offset == 0 && part.offset == 0, ids);
        }
    }
    return addSpecialTokens && m_postProcessor ? m_postProcessor(ids) : ids;
}

void HfTokenizer::encodePlain(const std::string &text, bool atStart, std::vector<int32_t> &out) const
{
    if (text.empty())
        return;
    std::vector<PreToken> words {{text, atStart}};
    if (m_preTokenizer)
        m_preTokenizer(words);
    for (const PreToken &word : words)
        m_model->encodeWord(word.text, out);
}

std::string HfTokenizer::decode(const std::vector<int32_t> &ids) const
{
    return decode(ids, false);
}

std::string HfTokenizer::decode(const std::vector<int32_t> &ids, bool skipSpecialTokens) const
{
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int32_t id : ids) {
        if (id < 0 || (skipSpecialTokens && isSpecial(id)))
            continue;
        tokens.push_back(piece(id));
    }
    if (m_decoder)
        tokens = m_decoder(std::move(tokens));
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (i > 0 && !m_decoder)
            out += ' '; // without a decoder, tokenizers joins tokens with spaces
        out += tokens[i];
    }
    return out;
}

std::string HfTokenizer::piece(int32_t id) const
{
    if (id < 0)
        return {};
    const auto added = m_addedById.find(id);
    if (added != m_addedById.end())
        return added->second;
    const std::string *token = m_model->idToToken(id);
    return token ? *token : unusedPiece(id);
}

int32_t HfTokenizer::pieceToId(const std::string &piece) const
{
    const auto added = m_addedByContent.find(piece);
    return added != m_addedByContent.end() ? added->second : m_model->tokenToId(piece);
}

int HfTokenizer::vocabSize() const
{
    return m_idLimit;
}

} // namespace dlm
