// `info`: what a model directory holds, as JSON. Reads config, safetensors headers and the tokenizer only;
// no tensor is converted, so it is instant even for an 8B checkpoint.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

#include "core/base/file_util.h"
#include "core/model/family_tensors.h"
#include "core/model/model_config.h"
#include "core/model/special_ids.h"
#include "core/model/safetensors.h"
#include "core/base/sha256.h"
#include "core/text/tokenizer.h"

#include <nlohmann/json.hpp>

#include <set>

namespace dlm {

namespace {

using json = nlohmann::json;

const char *tokenizerKind(const std::string &path)
{
    const std::string name = baseName(path);
    if (name == "tokenizer.json")
        return "huggingface";
    if (name == "tokenizer.model")
        return "sentencepiece";
    return "unknown";
}

json idOrNull(int32_t id)
{
    return id >= 0 ? json(id) : json(nullptr);
}

} // namespace

int runInfo(const InfoArgs &args, std::ostream &out, std::ostream &err)
{
    const std::string &dir = args.modelDir;
    const Status exists = checkModelDirectory(dir);
    if (!exists)
        return reportFailure(err, ExitBadInput, exists.error());

    warnAboutModelLinks(dir, err);
    const std::string configPath = joinPath(dir, "config.json");
    auto configText = readTextFile(configPath);
    if (!configText)
        return reportFailure(err, ExitBadInput, configText.error());
    auto config = parseModelConfig(*configText, configPath);
    if (!config)
        return reportFailure(err, ExitBadInput, config.error());
    auto configHash = sha256File(configPath);
    if (!configHash)
        return reportFailure(err, ExitBadInput, configHash.error());

    auto store = WeightStore::openDirectory(dir);
    if (!store)
        return reportFailure(err, ExitBadInput, "cannot read the weights of " + dir + ": " + store.error());
    // Every tensor the family's table implies, as the loader checks them (headers only, nothing converted).
    const Result<std::string> tensorsOk = checkTensors(**store, familyTensors(*config), dir);
    if (!tensorsOk)
        return reportFailure(err, ExitBadInput, tensorsOk.error());
    auto tokenizer = loadTokenizer(dir);
    if (!tokenizer)
        return reportFailure(err, ExitBadInput, "cannot load the tokenizer of " + dir + ": " + tokenizer.error());

    // Every field: the resolved values (defaults filled in) plus whatever else the file carries.
    json configJson = json::parse(modelConfigToJson(*config));
    const json raw = json::parse(*configText, nullptr, false);
    if (raw.is_object()) {
        for (auto it = raw.begin(); it != raw.end(); ++it) {
            if (!configJson.contains(it.key()))
                configJson[it.key()] = it.value();
        }
    }

    int64_t parameters = 0;
    std::set<std::string> dtypes;
    for (const auto &entry : (*store)->tensors()) {
        parameters += entry.second.elementCount();
        dtypes.insert(tensorDTypeName(entry.second.dtype));
    }
    json files = json::array();
    for (const std::string &f : (*store)->files())
        files.push_back(baseName(f));

    const Tokenizer &tok = **tokenizer;
    json info;
    info["architecture"] = familyName(config->family);
    info["family"] = familyName(config->family);
    info["name"] = modelName(dir);
    info["directory"] = dir;
    info["config"] = configJson;
    info["parameters"] = parameters;
    info["parameters_from_config"] = config->parameterCount();
    info["storage_dtype"] = dtypes.size() == 1 ? *dtypes.begin() : (dtypes.empty() ? "none" : "mixed");
    info["weight_files"] = files;
    info["vocab_size"] = config->vocabSize;
    info["embedding_size"] = config->embeddingSize;
    auto resolved = resolveSpecialIds(dir, *config, tok);
    if (!resolved)
        return reportFailure(err, ExitBadInput, resolved.error());
    // The ids the engine runs with (the loader resolves them the same way), not config.json's alone:
    // LLaDA-MoE's config.json names no mask, its tokenizer does.
    const ModelConfig used = withSpecialIds(*config, *resolved);
    info["special_ids"] = {{"mask", idOrNull(used.maskTokenId)}, {"eos", idOrNull(used.eosTokenId)},
        {"bos", idOrNull(used.bosTokenId)}, {"pad", idOrNull(used.padTokenId)}};
    const auto source = [](const SpecialId &id) {
        return id.id >= 0 ? json {{"id", id.id}, {"from", id.from}} : json {{"id", nullptr}, {"from", nullptr}};
    };
    info["special_id_sources"] = {{"mask_token_id", source(resolved->mask)}, {"eos_token_id", source(resolved->eos)},
        {"bos_token_id", source(resolved->bos)}, {"pad_token_id", source(resolved->pad)}};
    // The pieces of the ids the model will use, wherever they were found.
    info["special_pieces"] = {{"mask", resolved->mask.id >= 0 ? tok.piece(resolved->mask.id) : ""},
        {"eos", resolved->eos.id >= 0 ? tok.piece(resolved->eos.id) : ""}};
    info["tokenizer"] = {{"kind", tokenizerKind(tok.sourcePath())}, {"file", baseName(tok.sourcePath())},
        {"vocab_size", tok.vocabSize()}, {"bos", idOrNull(tok.bosId())}, {"eos", idOrNull(tok.eosId())},
        {"unk", idOrNull(tok.unkId())}};
    info["config_sha256"] = *configHash;

    // Pieces are arbitrary bytes; replace invalid UTF-8 rather than throw while printing.
    out << info.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return ExitOk;
}

} // namespace dlm
