#pragma once
// Which published architecture a model directory holds. Chosen from config.json's `architectures`, then its
// `model_type` (LLaDA-MoE also says model_type "llada", so the architecture decides first). Torch-free, so the
// GUI and the CLI can name a loaded model's family and offer only its sampler's options.

#include "core/sampling/sampler_kind.h"

namespace dlm {

enum class ModelFamily {
    Llada,    ///< LLaDA-8B-Base/-Instruct, LLaDA-1.5, this project's demo model (LLaDAModelLM)
    LladaMoe, ///< LLaDA-MoE-7B-A1B (LLaDAMoEModelLM): experts, q/k norms, LLaDA's sampler
    Dream,    ///< Dream-v0-7B, DiffuCoder, Dream-Coder (DreamModel): Qwen2 layers, logit shift, Dream's sampler
};

/** Short stable name, used in timelines, `info` and the CLI: "llada", "llada-moe", "dream". */
const char *familyName(ModelFamily family);
/** The sampler the family's published code uses. */
SamplerKind defaultSampler(ModelFamily family);

} // namespace dlm
