#pragma once
// The sampler's arithmetic on one row of logits, in plain loops: the softmax's statistics, top-k, margin,
// entropy, and the candidate (the argmax, or LLaDA's float64 Gumbel-max on counter noise). A row is computed by
// one thread from start to end in a fixed order, so its results are the same bits for any thread count.
// Torch-free, and nothing here is as large as the vocabulary: candidates.cpp hands rows out to threads.

#include <cstdint>
#include <utility>
#include <vector>

namespace dlm {

/** Where a row's candidate comes from. */
struct RowDraw
{
    double temperature = 0.0; ///< 0: the argmax of the logits; > 0: argmax exp(logit) / (-log u)^T in float64
    uint64_t rowKey = 0; ///< the counter RNG's key of the row: counterRowKey(seed, Gumbel, step, position)
    const double *uniforms = nullptr; ///< [vocab] u to use instead of the counter RNG (tests)
    int64_t excludedId = -1; ///< never the candidate (the mask), unless it is the only token
    int32_t given = -1; ///< >= 0: the candidate is this id (chosen elsewhere); only its details are computed
};

/** One row's results; the top-k arrays belong to the caller (k entries each, -1 / 0 past the vocabulary). */
struct RowResult
{
    int32_t candidate = -1;
    float probability = 0; ///< softmax(logits)[candidate]
    float margin = 0; ///< top-1 minus top-2 probability (top-1 with a one-token vocabulary)
    float entropy = 0; ///< -sum p ln p, in nats
    int32_t *topIds = nullptr;
    float *topProbs = nullptr;
};

/** What one thread reuses from row to row: a few dozen entries, never a vocabulary's worth. */
struct RowScratch
{
    struct Entry
    {
        float value;
        int32_t id;
    };
    std::vector<Entry> top; ///< the best logits seen, in rank order
    std::vector<std::pair<int32_t, double>> near; ///< Gumbel: ids whose screened score is near the best
};

/**
 * Scores one row of `vocab` float logits. Probabilities are softmax(logits) in float32 (exp(logit - max) / sum,
 * the sum in float64); ranks are by logit, larger first, NaN first, the lower id first on ties (torch's argmax
 * and topk on distinct values). A row with a NaN or an infinite maximum has NaN probabilities, as torch's softmax.
 */
void scoreLogitRow(
    const float *logits, int64_t vocab, const RowDraw &draw, int topK, RowScratch &scratch, RowResult &out);

/** exp(d) for d <= 0 in float32, accurate to ~1 ulp, 0 below -87 (exposed for tests). */
float expNonPositive(float d);

} // namespace dlm
