#pragma once
// One step of Dream's sampling loop (generation_utils.py: _sample, sample_tokens, top_p_logits,
// top_k_logits) on the logits of the masked positions. The logits are those the sampler sees: a Dream model
// has already applied its logit shift. Include only from .cpp files: ATen.

#include "core/sampling/dream_schedule.h"
#include "core/sampling/generation_settings.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace dlm {

/** What one Dream step decided for the masked rows it was given. */
struct DreamRows
{
    std::vector<int32_t> candidates; ///< x0 of every row (sampled for every row, revealed or not)
    std::vector<float> confidence; ///< Dream's confidence of every row (origin: p(x0), which decides nothing)
    std::vector<int32_t> transfer; ///< rows revealed this step, in decision order
};

/**
 * logits: float32 [rows, vocab], one row per masked position in ascending canvas order; `positions` are those
 * canvas positions (they key the noise). `plan` says t, s and the count; `noiseStep` keys the noise
 * (the record's denoise step). Stochastic choices follow Dream's distributions with counter-based noise:
 * tokens from the filtered softmax (Categorical), origin's reveals with probability 1 - s/t (torch.rand <),
 * alg_temp's positions from softmax(confidence / alg_temp) without replacement (torch.multinomial), drawn as
 * Gumbel-top-k, which has the same distribution.
 */
DreamRows dreamStep(const at::Tensor &logits, const std::vector<int32_t> &positions, const GenerationSettings &settings,
    const DreamStepPlan &plan, int noiseStep);

/** Dream's temperature, top_p and top_k filtering (in that order) of float32 logits [rows, vocab]. */
at::Tensor dreamFilteredLogits(const at::Tensor &logits, double temperature, double topP, int topK);

} // namespace dlm
