#pragma once
// Which generation options belong to which sampler (sampler_registry's SamplerInfo::reads): LLaDA's (block
// length, threshold, cfg, remasking) and Dream's (alg, alg temp, top p, sample top k, eps). An option given for
// another sampler is refused with a message naming the samplers and families that take it, instead of being
// silently ignored. The defaults of a model are core's familyDefaults (core/model/family_registry).

#include "core/base/result.h"
#include "core/model/model_family.h"
#include "core/sampling/generation_config.h"

namespace dlm {

/** The first option in `overrides` that `sampler` does not read, as a one-line message; ok when none. */
Status checkSamplerOptions(const SettingsOverrides &overrides, SamplerKind sampler, ModelFamily family);

} // namespace dlm
