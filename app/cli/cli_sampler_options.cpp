#include "app/cli/cli_sampler_options.h"

#include "core/model/family_registry.h"
#include "core/sampling/sampler_registry.h"

#include <string>

namespace dlm {

namespace {

std::string whoUses(SamplerKind sampler, ModelFamily family)
{
    const bool own = defaultSampler(family) == sampler;
    const std::string name = samplerInfo(sampler).title;
    return own ? "this model (" + std::string(familyName(family)) + ") uses " + name
               : "this run uses " + name + " (--sampler " + samplerName(sampler) + ")";
}

// "Dream models (sampler dream)": the families whose sampler reads `setting`, and those samplers.
std::string whoReads(SamplerSetting setting)
{
    std::string models, names;
    for (const FamilyInfo &f : families()) {
        if (samplerReads(f.sampler, setting)) {
            std::string m = f.models;
            if (!models.empty()) // "LLaDA models" and "LLaDA-MoE models" read "LLaDA and LLaDA-MoE models"
                models = models.substr(0, models.size() - std::string(" models").size()) + " and " + m;
            else
                models = m;
        }
    }
    for (const SamplerInfo &s : samplers()) {
        if (samplerReads(s.kind, setting))
            names += std::string(names.empty() ? "" : ", ") + s.name;
    }
    return models + " (sampler " + names + ")";
}

} // namespace

Status checkSamplerOptions(const SettingsOverrides &o, SamplerKind sampler, ModelFamily family)
{
    using S = SamplerSetting;
    const struct
    {
        bool given;
        const char *flag;
        SamplerSetting setting;
    } options[] = {{o.alg.has_value(), "--alg", S::Alg}, {o.algTemp.has_value(), "--alg-temp", S::AlgTemp},
        {o.topP.has_value(), "--top-p", S::TopP}, {o.sampleTopK.has_value(), "--sample-top-k", S::SampleTopK},
        {o.eps.has_value(), "--eps", S::Eps}, {o.blockLength.has_value(), "--block-length", S::BlockLength},
        {o.threshold.has_value() || o.useThreshold.value_or(false), "--threshold", S::Threshold},
        {o.cfgScale.has_value(), "--cfg", S::CfgScale}, {o.measure.has_value(), "--remasking", S::Measure},
        {o.laterBlocks.has_value(), "--later-blocks", S::LaterBlocks}};
    for (const auto &option : options) {
        if (option.given && !samplerReads(sampler, option.setting))
            return Status::failure(
                std::string(option.flag) + " applies to " + whoReads(option.setting) + "; " + whoUses(sampler, family));
    }
    return {};
}

} // namespace dlm
