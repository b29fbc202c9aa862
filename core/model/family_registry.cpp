#include "core/model/family_registry.h"

#include "core/model/model_config_internal.h"
#include "core/sampling/sampler_registry.h"

namespace dlm {

const std::vector<FamilyInfo> &families()
{
    static const std::vector<FamilyInfo> table = {
        {ModelFamily::Llada, "llada", "LLaDA models", {"LLaDAModelLM"}, {"llada"}, readLladaConfig, lladaFamilyTensors,
            SamplerKind::Llada},
        // LLaDA-MoE also says model_type "llada": its architecture decides first. The base-model name is what
        // some converted checkpoints carry.
        {ModelFamily::LladaMoe, "llada-moe", "LLaDA-MoE models", {"LLaDAMoEModelLM", "LLaDAMoEModel"}, {"lladamoe"},
            [](JsonReader &r, const Json &root, ModelConfig *c) {
                return readMoeConfig(r, root, c) && checkHfRelations(r, *c);
            },
            moeTensors, SamplerKind::Llada},
        {ModelFamily::Dream, "dream", "Dream models", {"DreamModel"}, {"Dream"},
            [](JsonReader &r, const Json &root, ModelConfig *c) {
                return readDreamConfig(r, root, c) && checkHfRelations(r, *c);
            },
            dreamTensors, SamplerKind::Dream},
    };
    return table;
}

const FamilyInfo &familyInfo(ModelFamily family)
{
    for (const FamilyInfo &f : families()) {
        if (f.family == family)
            return f;
    }
    return families().front(); // unreachable: every ModelFamily has an entry
}

GenerationSettings familyDefaults(ModelFamily family)
{
    return samplerDefaults(familyInfo(family).sampler);
}

const char *familyName(ModelFamily family)
{
    return familyInfo(family).name;
}

SamplerKind defaultSampler(ModelFamily family)
{
    return familyInfo(family).sampler;
}

} // namespace dlm
