#include "core/model/model_loader.h"

#include "core/base/file_util.h"
#include "core/model/decoder_model.h"
#include "core/model/llada_model.h"
#include "core/model/special_ids.h"
#include "core/text/tokenizer.h"

namespace dlm {

namespace {

// The model classes a family's weights load into: LLaDA's own transformer, or the decoder shared by the Hugging
// Face families. Each fills the model, its config and the storage dtype.
Result<LoadedModel> buildLlada(
    const std::string &dir, const ModelConfig &, ComputeDType dtype, LoadReporter &reporter, ReadAhead readAhead)
{
    auto model = LladaModel::load(dir, dtype, reporter, readAhead);
    if (!model)
        return Result<LoadedModel>::failure(model.error());
    LoadedModel out;
    out.config = (*model)->config();
    out.storageDType = (*model)->storageDType();
    out.model = *model;
    return out;
}

Result<LoadedModel> buildDecoder(
    const std::string &dir, const ModelConfig &config, ComputeDType dtype, LoadReporter &reporter, ReadAhead readAhead)
{
    auto model = DecoderModel::load(dir, config, dtype, reporter, readAhead);
    if (!model)
        return Result<LoadedModel>::failure(model.error());
    LoadedModel out;
    out.config = config;
    out.storageDType = (*model)->storageDType();
    out.model = *model;
    return out;
}

struct FamilyBuilder
{
    ModelFamily family;
    Result<LoadedModel> (*build)(
        const std::string &dir, const ModelConfig &config, ComputeDType, LoadReporter &, ReadAhead);
};

// One line per family (family_registry.h holds the rest of what a family is).
constexpr FamilyBuilder kBuilders[] = {
    {ModelFamily::Llada, buildLlada},
    {ModelFamily::LladaMoe, buildDecoder},
    {ModelFamily::Dream, buildDecoder},
};

/** The family's model over the weights of `dir`, for a config whose special ids are known. */
Result<LoadedModel> loadWeights(
    const std::string &dir, const ModelConfig &config, ComputeDType dtype, LoadReporter &reporter, ReadAhead readAhead)
{
    for (const FamilyBuilder &b : kBuilders) {
        if (b.family != config.family)
            continue;
        auto out = b.build(dir, config, dtype, reporter, readAhead);
        if (!out)
            return out;
        out->dir = dir;
        out->family = config.family;
        out->parameterCount = out->config.parameterCount();
        return out;
    }
    return Result<LoadedModel>::failure(dir + ": no model class for family " + familyName(config.family));
}

Result<ModelConfig> readConfig(const std::string &dir)
{
    const std::string path = joinPath(dir, "config.json");
    if (!fileExists(path))
        return Result<ModelConfig>::failure(dir + ": not a model directory (no config.json)");
    return loadModelConfig(path);
}

/**
 * The special ids of `dir` as the reference code finds them: config.json's stand, the ones it leaves out come
 * from generation_config.json, tokenizer_config.json, then the mask piece by name. A model without a mask
 * cannot denoise, so that is refused here, naming every place that was looked at.
 */
Result<SpecialIds> resolveModelSpecialIds(const std::string &dir, const ModelConfig &config, const Tokenizer &tokenizer)
{
    auto special = resolveSpecialIds(dir, config, tokenizer);
    if (!special)
        return special;
    if (special->mask.id < 0) {
        std::string names;
        for (const char *name : kMaskPieceNames)
            names += std::string(names.empty() ? "" : ", ") + name;
        return Result<SpecialIds>::failure(dir
            + ": no mask token: config.json and generation_config.json give no mask_token_id, "
              "tokenizer_config.json no mask_token, and the tokenizer has none of "
            + names);
    }
    return special;
}

} // namespace

Result<LoadedModel> loadModelDirectory(
    const std::string &dir, ComputeDType dtype, const LoadProgress &progress, ReadAhead readAhead)
{
    using R = Result<LoadedModel>;
    LoadReporter reporter(progress);
    // The tokenizer first: it is quick, and a missing tokenizer should not cost a long weight load.
    if (!reporter.report(LoadStage::Tokenizer, 0, 1, "files"))
        return R::failure(kLoadCancelled);
    auto tokenizer = loadTokenizer(dir);
    if (!tokenizer)
        return R::failure(tokenizer.error());
    if (!reporter.report(LoadStage::Tokenizer, 1, 1, "files") || !reporter.begin(LoadStage::Config))
        return R::failure(kLoadCancelled);
    auto config = readConfig(dir);
    if (!config)
        return R::failure(config.error());
    if ((*tokenizer)->vocabSize() > config->vocabSize)
        return R::failure(dir + ": the tokenizer has " + std::to_string((*tokenizer)->vocabSize())
            + " pieces but config.json's vocab_size is " + std::to_string(config->vocabSize));
    // config.json's ids stand; the ones it leaves out come from the other files, as the reference code finds
    // them (LLaDA-MoE's config.json gives no mask id: its tokenizer names it).
    auto special = resolveModelSpecialIds(dir, *config, **tokenizer);
    if (!special)
        return R::failure(special.error());
    const ModelConfig resolved = withSpecialIds(*config, *special);
    auto out = loadWeights(dir, resolved, dtype, reporter, readAhead);
    if (!out)
        return out;
    // The model carries the resolved ids, so the session's mask is the one found here.
    if (auto llada = std::dynamic_pointer_cast<LladaModel>(out->model))
        llada->setSpecialIds(*special);
    out->config = resolved;
    out->specialIds = *special;
    out->tokenizer = *tokenizer;
    return out;
}

Result<LoadedModel> loadModelWeights(
    const std::string &dir, ComputeDType dtype, const LoadProgress &progress, ReadAhead readAhead)
{
    LoadReporter reporter(progress);
    if (!reporter.begin(LoadStage::Config))
        return Result<LoadedModel>::failure(kLoadCancelled);
    auto config = readConfig(dir);
    if (!config)
        return Result<LoadedModel>::failure(config.error());
    return loadWeights(dir, *config, dtype, reporter, readAhead);
}

} // namespace dlm
