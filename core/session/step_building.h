#pragma once
// Pieces every sampler's step shares when it turns its decision into a StepRecord (llada_step_sampler.cpp,
// dream_step_sampler.cpp). Internal to core/session; includes ATen through candidates.h.

#include "core/sampling/candidates.h"
#include "core/sampling/remask_strategy.h"
#include "core/timeline/step_record.h"

#include <chrono>
#include <cstdint>
#include <vector>

namespace dlm {

using Clock = std::chrono::steady_clock;

inline double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Per-row values (one per scored row) spread over the whole canvas; positions not scored keep `fill`.
template<typename T>
std::vector<T> spreadRows(const std::vector<T> &perRow, const std::vector<int32_t> &rows, int length, T fill)
{
    std::vector<T> out(static_cast<size_t>(length), fill);
    for (size_t r = 0; r < rows.size(); ++r)
        out[static_cast<size_t>(rows[r])] = perRow[r];
    return out;
}

/** The new canvas: last step's "this step" states age into plain ones, then the decision's commits and remasks. */
void applyDecision(
    StepRecord &rec, const StepRecord &cur, CommitDecision decision, std::vector<int32_t> candidates, int32_t mask);

/** The scored rows' details spread over the canvas; NaN (and no top-k ids) marks a position not scored. */
void recordRowDetails(
    StepRecord &rec, const RowDetails &details, const std::vector<int32_t> &rows, int length, int topK);

} // namespace dlm
