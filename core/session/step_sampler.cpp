#include "core/session/step_sampler.h"

namespace dlm {

namespace {

struct SamplerEntry
{
    SamplerKind kind;
    std::unique_ptr<StepSampler> (*make)(const GenerationSettings &settings, int promptLength);
};

// One line per sampler: what Session runs for each SamplerKind (its names and settings: sampler_registry).
constexpr SamplerEntry kStepSamplers[] = {
    {SamplerKind::Llada, makeLladaStepSampler},
    {SamplerKind::Dream, makeDreamStepSampler},
};

} // namespace

std::unique_ptr<StepSampler> makeStepSampler(const GenerationSettings &settings, int promptLength)
{
    for (const SamplerEntry &e : kStepSamplers) {
        if (e.kind == settings.sampler)
            return e.make(settings, promptLength);
    }
    return makeLladaStepSampler(settings, promptLength); // unreachable: every SamplerKind has a line
}

} // namespace dlm
