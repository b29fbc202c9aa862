#include "core/model/model_loader.h"

#include "core/model/llada_model.h"
#include "core/model/special_ids.h"
#include "core/text/tokenizer.h"

namespace dlm {

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
    const ModelConfig &config = (*model)->config();
    if ((*tokenizer)->vocabSize() > config.vocabSize)
        return R::failure(dir + ": the tokenizer has " + std::to_string((*tokenizer)->vocabSize())
            + " pieces but config.json's vocab_size is " + std::to_string(config.vocabSize));
    // config.json's ids stand; the ones it leaves out come from the other files, as the reference code finds
    // them (the model itself keeps its own config, whose mask id config.json must give).
    auto special = resolveSpecialIds(dir, config, **tokenizer);
    if (!special)
        return R::failure(special.error());
    LoadedModel out;
    out.dir = dir;
    out.config = config;
    out.config.eosTokenId = special->eos.id;
    out.config.bosTokenId = special->bos.id;
    out.config.padTokenId = special->pad.id;
    out.specialIds = *special;
    out.storageDType = (*model)->storageDType();
    out.parameterCount = config.parameterCount();
    out.model = *model;
    out.tokenizer = *tokenizer;
    return out;
}

} // namespace dlm
