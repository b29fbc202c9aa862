#include "core/model/special_ids.h"

#include "core/base/file_util.h"
#include "core/base/json_reader.h"
#include "core/text/tokenizer.h"

namespace dlm {

namespace {

/** One special id's keys: in config.json / generation_config.json, and in tokenizer_config.json. */
struct IdKeys
{
    const char *idKey;
    const char *tokenKey;
    SpecialId SpecialIds::*field;
};

constexpr IdKeys kKeys[]
    = {{"mask_token_id", "mask_token", &SpecialIds::mask}, {"eos_token_id", "eos_token", &SpecialIds::eos},
        {"bos_token_id", "bos_token", &SpecialIds::bos}, {"pad_token_id", "pad_token", &SpecialIds::pad}};

/** A JSON file of the directory if present: null when absent, a failure when unreadable or not an object. */
Result<Json> optionalObject(const std::string &dir, const char *name)
{
    const std::string path = joinPath(dir, name);
    if (!fileExists(path))
        return Json();
    auto text = readTextFile(path, 16u << 20);
    if (!text)
        return Result<Json>::failure(text.error());
    auto json = parseJson(*text, path);
    if (!json)
        return json;
    JsonReader reader(path);
    if (!reader.expectObject(*json, JsonReader::root()))
        return Result<Json>::failure(reader.error());
    return json;
}

/** generation_config.json's id under `key`: an integer, or the first of a list (eos may be several). */
bool readGenerationId(JsonReader &r, const Json &root, const char *key, int32_t rows, int32_t *out)
{
    const Json *v = r.member(root, JsonReader::root(), key, Need::Optional);
    if (!v || v->is_null())
        return !r.failed();
    std::string path = JsonReader::child(JsonReader::root(), key);
    if (v->is_array()) {
        if (v->empty())
            return true;
        v = &(*v)[0];
        path = JsonReader::child(path, size_t {0});
    }
    return r.toInt(*v, path, out, 0, rows - 1);
}

/** tokenizer_config.json's token text under `key` (a string or an AddedToken object), or "". */
bool readTokenText(JsonReader &r, const Json &root, const char *key, std::string *out)
{
    const Json *v = r.member(root, JsonReader::root(), key, Need::Optional);
    if (!v || v->is_null())
        return !r.failed();
    const std::string path = JsonReader::child(JsonReader::root(), key);
    if (v->is_object())
        return r.readString(*v, path, "content", out, Need::Required);
    return r.toString(*v, path, out);
}

} // namespace

Result<SpecialIds> resolveSpecialIds(const std::string &dir, const ModelConfig &config, const Tokenizer &tokenizer)
{
    using R = Result<SpecialIds>;
    const int32_t rows = config.embeddingSize > 0 ? config.embeddingSize : config.vocabSize;
    SpecialIds ids;
    const int32_t fromConfig[] = {config.maskTokenId, config.eosTokenId, config.bosTokenId, config.padTokenId};
    for (size_t i = 0; i < std::size(kKeys); ++i) {
        if (fromConfig[i] >= 0)
            ids.*kKeys[i].field = {fromConfig[i], "config.json"};
    }

    auto generation = optionalObject(dir, "generation_config.json");
    if (!generation)
        return R::failure(generation.error());
    if (generation->is_object()) {
        JsonReader reader(joinPath(dir, "generation_config.json"));
        for (const IdKeys &k : kKeys) {
            SpecialId &id = ids.*k.field;
            int32_t value = -1;
            if (!readGenerationId(reader, *generation, k.idKey, rows, &value))
                return R::failure(reader.error());
            if (id.id < 0 && value >= 0)
                id = {value, "generation_config.json"};
        }
    }

    auto tokenizerConfig = optionalObject(dir, "tokenizer_config.json");
    if (!tokenizerConfig)
        return R::failure(tokenizerConfig.error());
    if (tokenizerConfig->is_object()) {
        JsonReader reader(joinPath(dir, "tokenizer_config.json"));
        for (const IdKeys &k : kKeys) {
            std::string text;
            if (!readTokenText(reader, *tokenizerConfig, k.tokenKey, &text))
                return R::failure(reader.error());
            SpecialId &id = ids.*k.field;
            const int32_t value = text.empty() ? -1 : tokenizer.pieceToId(text);
            // A token the vocabulary lacks is skipped: configs name tokens their tokenizer never had.
            if (id.id < 0 && value >= 0 && value < rows)
                id = {value, "tokenizer_config.json (" + text + ")"};
        }
    }

    for (const char *name : kMaskPieceNames) {
        const int32_t value = tokenizer.pieceToId(name);
        if (ids.mask.id < 0 && value >= 0 && value < rows)
            ids.mask = {value, std::string("tokenizer piece ") + name};
    }
    return ids;
}

ModelConfig withSpecialIds(ModelConfig config, const SpecialIds &ids)
{
    config.maskTokenId = ids.mask.id;
    config.eosTokenId = ids.eos.id;
    config.bosTokenId = ids.bos.id;
    config.padTokenId = ids.pad.id;
    return config;
}

} // namespace dlm
