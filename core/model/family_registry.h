#pragma once
// Every model family in one table, one entry each (as llama.cpp's llama-arch and Hugging Face's AutoConfig):
// how config.json names it, how its fields are read, its tensor table, its sampler and that sampler's defaults.
// config.json's reader, the tensor check, the loader, the engine worker and the CLI all ask this table. The
// model class a family loads into is the one thing LibTorch needs: model_loader.cpp's builder table.

#include "core/model/family_tensors.h"
#include "core/model/model_config.h"
#include "core/model/model_family.h"
#include "core/sampling/generation_settings.h"

#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace dlm {

class JsonReader;

/** One model family. */
struct FamilyInfo
{
    ModelFamily family;
    const char *name; ///< "llada-moe": timelines, `info`, the CLI (familyName)
    const char *models; ///< "LLaDA-MoE models": how messages name its checkpoints
    std::vector<const char *> architectures; ///< config.json's `architectures[0]` values that mean it
    std::vector<const char *> modelTypes; ///< config.json's `model_type` values that mean it (when no architecture)
    /** Reads its fields of config.json (the family is set) and checks their relations; false: `r` says why. */
    bool (*readConfig)(JsonReader &r, const nlohmann::json &root, ModelConfig *config);
    /** The tensors a checkpoint of `config` holds, in checkpoint order. */
    std::vector<TensorSpec> (*tensors)(const ModelConfig &config);
    SamplerKind sampler; ///< the sampler its published code uses
};

/** Every family, in ModelFamily order. */
const std::vector<FamilyInfo> &families();
const FamilyInfo &familyInfo(ModelFamily family);
/**
 * The settings a model of `family` starts with: its sampler's published defaults. generation_config.json is
 * read over them (loadGenerationConfig); the engine worker and the CLI both start here.
 */
GenerationSettings familyDefaults(ModelFamily family);

} // namespace dlm
