#include "core/sampling/sampler_registry.h"

#include <algorithm>

namespace dlm {

namespace {

GenerationSettings lladaDefaults()
{
    return {};
}

} // namespace

const std::vector<SamplerInfo> &samplers()
{
    using S = SamplerSetting;
    static const std::vector<SamplerInfo> table = {
        {SamplerKind::Llada, "llada", "LLaDA's sampler", lladaDefaults,
            {S::BlockLength, S::Threshold, S::Measure, S::CfgScale, S::Cache, S::LaterBlocks},
            "Masked positions appended to the prompt for the model to fill (LLaDA's gen_length)."},
        {SamplerKind::Dream, "dream", "Dream's sampler", dreamDefaults,
            {S::Alg, S::AlgTemp, S::TopP, S::SampleTopK, S::Eps},
            "Tokens to generate after the prompt (Dream's max_new_tokens)."},
    };
    return table;
}

const SamplerInfo &samplerInfo(SamplerKind kind)
{
    for (const SamplerInfo &s : samplers()) {
        if (s.kind == kind)
            return s;
    }
    return samplers().front(); // unreachable: every SamplerKind has an entry
}

bool samplerReads(SamplerKind kind, SamplerSetting setting)
{
    const std::vector<SamplerSetting> &reads = samplerInfo(kind).reads;
    return std::find(reads.begin(), reads.end(), setting) != reads.end();
}

GenerationSettings samplerDefaults(SamplerKind kind)
{
    return samplerInfo(kind).defaults();
}

} // namespace dlm
