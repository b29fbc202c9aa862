#pragma once
// Which generation options belong to which sampler: LLaDA's (block length, threshold, cfg, remasking) and
// Dream's (alg, alg temp, top p, sample top k, eps). An option given for the other sampler is refused with a
// message naming the sampler and the family that take it, instead of being silently ignored.

#include "core/base/result.h"
#include "core/model/model_family.h"
#include "core/sampling/generation_config.h"

namespace dlm {

/** The first option in `overrides` that `sampler` does not read, as a one-line message; ok when none. */
Status checkSamplerOptions(const SettingsOverrides &overrides, SamplerKind sampler, ModelFamily family);

/** The defaults of a sampler: Dream's own (DreamGenerationConfig) for Dream's, else LLaDA's. */
GenerationSettings samplerDefaults(SamplerKind sampler);

} // namespace dlm
