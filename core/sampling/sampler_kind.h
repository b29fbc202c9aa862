#pragma once
// Which published sampling loop a generation follows: LLaDA's generate() (blocks, quota or threshold,
// low-confidence remasking) or Dream's diffusion_generate() (one time grid, origin / maskgit_plus /
// topk_margin / entropy). Torch-free.

namespace dlm {

enum class SamplerKind {
    Llada, ///< LLaDA's generate.py (and Fast-dLLM's threshold decoding)
    Dream, ///< Dream's generation_utils.py _sample
};

} // namespace dlm
