#pragma once
// Turning one step's logits into candidates and confidences (the sampler half of a step), with the per-position
// detail a StepRecord keeps (p(candidate), top-k, margin, entropy), all in one pass over each row
// (core/sampling/row_scoring). Include only from .cpp files: ATen.

#include "core/sampling/generation_settings.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace dlm {

/** Per-row details for the record: p(candidate), top-k ids/probs (k may be 0), margin, entropy. */
struct RowDetails
{
    std::vector<float> probability, margin, entropy;
    std::vector<int32_t> topIds; ///< rows x k, -1 past the vocabulary
    std::vector<float> topProbs; ///< rows x k, 0 past the vocabulary
};

/** Candidates and confidences for the rows of `logits` (one row per eligible position), and their details. */
struct ScoredRows
{
    std::vector<int32_t> candidates;
    std::vector<float> confidence; ///< under the active measure
    RowDetails details; ///< what the record keeps of each row, top-k with k = topK
};

/**
 * Scores eligible positions. logits: [rows, vocab] (float32, or converted to it); positions: the canvas position
 * of each row (keys the counter RNG). With temperature 0 the candidate is the argmax of the logits; otherwise the
 * argmax of exp(logits) / (-log u)^T with u uniform in float64 (LLaDA's Gumbel-max), u drawn per (seed, step,
 * position, token). `excludedId` (the mask token) is never chosen as a candidate: committing a mask would
 * make no progress, and LLaDA's trained models never rank it first anyway. Probabilities are softmax(logits),
 * left as the model gave them. `uniforms` replaces the counter RNG when given ([rows, vocab] float64; tests).
 * Each row is computed whole by one thread: the results are the same bits for any number of threads.
 */
ScoredRows scoreRows(const at::Tensor &logits, const std::vector<int32_t> &positions, ConfidenceMeasure measure,
    double temperature, uint64_t seed, int denoiseStep, int64_t excludedId = -1, int topK = 0,
    const at::Tensor *uniforms = nullptr);

/** The record's details of rows of logits whose candidates were chosen elsewhere (Dream's sampler, a prediction). */
RowDetails describeLogitRows(const at::Tensor &logits, const std::vector<int32_t> &candidates, int topK);

/** Classifier-free guidance mix: u + (w + 1) (c - u). */
at::Tensor mixGuidance(const at::Tensor &conditional, const at::Tensor &unconditional, double scale);

} // namespace dlm
