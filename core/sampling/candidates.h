#pragma once
// Turning one step's logits into candidates and confidences (the sampler half of a step), and the extra
// per-position detail a StepRecord keeps (top-k, margin, entropy). Include only from .cpp files: ATen.

#include "core/sampling/generation_settings.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace dlm {

/** Candidates and confidences for the rows of `logits` (one row per eligible position). */
struct ScoredRows
{
    std::vector<int32_t> candidates;
    std::vector<float> confidence; ///< under the active measure
    at::Tensor probs;              ///< softmax(logits) [rows, vocab], float32, for the record details
};

/**
 * Scores eligible positions. logits: float32 [rows, vocab]; positions: the canvas position of each row
 * (keys the counter RNG). With temperature 0 the candidate is the argmax of the logits; otherwise the argmax
 * of exp(logits) / (-log u)^T with u uniform in float64 (LLaDA's Gumbel-max), u drawn per (seed, step,
 * position, token). `excludedId` (the mask token) is never chosen as a candidate: committing a mask would
 * make no progress, and LLaDA's trained models never rank it first anyway. Probabilities are left as the
 * model gave them. `uniforms` replaces the counter RNG when given ([rows, vocab] float64; tests).
 */
ScoredRows scoreRows(const at::Tensor &logits, const std::vector<int32_t> &positions, ConfidenceMeasure measure,
                     double temperature, uint64_t seed, int denoiseStep, int64_t excludedId = -1,
                     const at::Tensor *uniforms = nullptr);

/** Per-row details for the record: p(candidate), top-k ids/probs (k may be 0), margin, entropy. */
struct RowDetails
{
    std::vector<float> probability, margin, entropy;
    std::vector<int32_t> topIds;  ///< rows x k
    std::vector<float> topProbs;  ///< rows x k
};
RowDetails describeRows(const at::Tensor &probs, const std::vector<int32_t> &candidates, int topK);

/** Classifier-free guidance mix: u + (w + 1) (c - u). */
at::Tensor mixGuidance(const at::Tensor &conditional, const at::Tensor &unconditional, double scale);

} // namespace dlm
