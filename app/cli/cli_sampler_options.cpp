#include "app/cli/cli_sampler_options.h"

#include <string>

namespace dlm {

namespace {

std::string whoUses(SamplerKind sampler, ModelFamily family)
{
    const bool own = defaultSampler(family) == sampler;
    const std::string name = sampler == SamplerKind::Dream ? "Dream's sampler" : "LLaDA's sampler";
    return own ? "this model (" + std::string(familyName(family)) + ") uses " + name
               : "this run uses " + name + " (--sampler " + samplerName(sampler) + ")";
}

} // namespace

Status checkSamplerOptions(const SettingsOverrides &o, SamplerKind sampler, ModelFamily family)
{
    if (sampler == SamplerKind::Llada) {
        const std::pair<bool, const char *> dreamOnly[]
            = {{o.alg.has_value(), "--alg"}, {o.algTemp.has_value(), "--alg-temp"}, {o.topP.has_value(), "--top-p"},
                {o.sampleTopK.has_value(), "--sample-top-k"}, {o.eps.has_value(), "--eps"}};
        for (const auto &[given, name] : dreamOnly) {
            if (given)
                return Status::failure(
                    std::string(name) + " applies to Dream models (sampler dream); " + whoUses(sampler, family));
        }
        return {};
    }
    const std::pair<bool, const char *> lladaOnly[] = {{o.blockLength.has_value(), "--block-length"},
        {o.threshold.has_value() || o.useThreshold.value_or(false), "--threshold"}, {o.cfgScale.has_value(), "--cfg"},
        {o.measure.has_value(), "--remasking"}, {o.laterBlocks.has_value(), "--later-blocks"}};
    for (const auto &[given, name] : lladaOnly) {
        if (given)
            return Status::failure(std::string(name) + " applies to LLaDA and LLaDA-MoE models (sampler llada); "
                + whoUses(sampler, family));
    }
    return {};
}

GenerationSettings samplerDefaults(SamplerKind sampler)
{
    return sampler == SamplerKind::Dream ? dreamDefaults() : GenerationSettings {};
}

} // namespace dlm
