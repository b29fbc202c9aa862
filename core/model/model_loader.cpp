#include "core/model/model_loader.h"

#include "core/model/llada_model.h"
#include "core/model/special_ids.h"
#include "core/text/tokenizer.h"

namespace dlm {

namespace {

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

Result<LoadedModel> loadModelDirectory(const std::string &dir, ComputeDType dtype, const LoadProgress &progress)
{
    using R = Result<LoadedModel>;
    // The tokenizer first: it is quick, and a missing tokenizer should not cost a long weight load.
    auto tokenizer = loadTokenizer(dir);
    if (!tokenizer)
        return R::failure(tokenizer.error());
    auto model = LladaModel::load(dir, dtype, progress);
    if (!model)
        return R::failure(model.error());
    if ((*tokenizer)->vocabSize() > (*model)->config().vocabSize)
        return R::failure(dir + ": the tokenizer has " + std::to_string((*tokenizer)->vocabSize())
            + " pieces but config.json's vocab_size is " + std::to_string((*model)->config().vocabSize));
    auto special = resolveModelSpecialIds(dir, (*model)->config(), **tokenizer);
    if (!special)
        return R::failure(special.error());
    // The model carries the resolved ids, so the session's mask is the one found here.
    (*model)->setSpecialIds(*special);
    const ModelConfig &config = (*model)->config();
    LoadedModel out;
    out.dir = dir;
    out.config = config;
    out.specialIds = *special;
    out.storageDType = (*model)->storageDType();
    out.parameterCount = config.parameterCount();
    out.model = *model;
    out.tokenizer = *tokenizer;
    return out;
}

} // namespace dlm
