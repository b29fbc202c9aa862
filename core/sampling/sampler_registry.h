#pragma once
// What every sampler is, torch-free, one entry each: its name, its default settings and which of the settings
// it reads. The CLI refuses an option its sampler does not read, the panel shows only its sampler's rows, and
// the defaults of a model come from its family's sampler (core/model/family_registry). The step itself is in
// core/session (StepSampler, registered in step_sampler.cpp).

#include "core/sampling/generation_settings.h"

#include <vector>

namespace dlm {

/** A setting only some samplers read (the others ignore it: the CLI refuses it, the panel hides its row). */
enum class SamplerSetting {
    BlockLength, ///< semi-autoregressive blocks
    Threshold, ///< threshold decoding and its tau
    Measure, ///< the confidence measure (LLaDA's remasking)
    CfgScale, ///< classifier-free guidance
    Cache, ///< Fast-dLLM's KV caches (they follow blocks)
    LaterBlocks, ///< predictions right of the block
    Alg, ///< Dream's alg, alg_temp, top_p, top_k, eps
    AlgTemp,
    TopP,
    SampleTopK,
    Eps,
};

/** One sampler, as the settings, the CLI and the panel see it. */
struct SamplerInfo
{
    SamplerKind kind;
    const char *name; ///< "llada": the CLI's --sampler, settings JSON and timelines (samplerName)
    const char *title; ///< "LLaDA's sampler": how messages name it
    GenerationSettings (*defaults)(); ///< its published defaults (sampler set to it)
    std::vector<SamplerSetting> reads; ///< the settings of SamplerSetting it reads
    const char *genLengthHelp; ///< what gen length means to it (the panel's tooltip)
};

/** Every sampler, in SamplerKind order. */
const std::vector<SamplerInfo> &samplers();
const SamplerInfo &samplerInfo(SamplerKind kind);
/** Whether `kind` reads `setting`. */
bool samplerReads(SamplerKind kind, SamplerSetting setting);
/** The published defaults of `kind`'s sampler (LLaDA's generate.py, Dream's diffusion_generate). */
GenerationSettings samplerDefaults(SamplerKind kind);

} // namespace dlm
