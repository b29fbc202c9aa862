#pragma once
// Two runs of the same prompt compared step by step: which final tokens differ and at which denoising step
// their canvases first part. Used to show what an approximation (Fast-dLLM's caches) costs in fidelity.

#include "core/timeline/step_record.h"

#include <memory>
#include <vector>

namespace dlm {

struct RunComparison
{
    std::vector<int32_t> differingPositions; ///< canvas positions whose final tokens differ
    int firstDifferentStep = -1; ///< first denoising step after which the canvases differ; -1 if never
    int firstDifferentPosition = -1; ///< the lowest differing position at that step
    int comparedSteps = 0; ///< denoising steps both runs have
};

/** Compares the denoising records of two runs (records of other kinds are skipped) of the same canvas length. */
RunComparison compareRuns(
    const std::vector<std::shared_ptr<const StepRecord>> &a, const std::vector<std::shared_ptr<const StepRecord>> &b);

} // namespace dlm
