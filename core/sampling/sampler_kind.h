#pragma once
// Which published sampling loop a generation follows: LLaDA's generate() (blocks, quota or threshold,
// low-confidence remasking) or Dream's diffusion_generate() (one time grid, origin / maskgit_plus /
// topk_margin / entropy). Torch-free.

#include "core/base/result.h"

#include <string>

namespace dlm {

enum class SamplerKind {
    Llada, ///< LLaDA's generate.py (and Fast-dLLM's threshold decoding)
    Dream, ///< Dream's generation_utils.py _sample
};

/** "llada" or "dream": the names the CLI, settings JSON and timelines use. */
const char *samplerName(SamplerKind kind);
Result<SamplerKind> parseSamplerName(const std::string &name);

/** Dream's `alg`: how a step picks which masked positions to reveal. */
enum class DreamAlg {
    Origin, ///< each mask revealed independently with probability 1 - s/t
    MaskgitPlus, ///< the k most confident, confidence = top-1 probability
    TopkMargin, ///< confidence = top-1 minus top-2 probability
    Entropy, ///< confidence = minus the entropy (sum p log p)
};

/** Dream's own spelling: "origin", "maskgit_plus", "topk_margin", "entropy". */
const char *dreamAlgName(DreamAlg alg);
Result<DreamAlg> parseDreamAlg(const std::string &name);

} // namespace dlm
