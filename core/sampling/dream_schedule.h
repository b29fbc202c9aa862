#pragma once
// Dream's time grid and per-step transfer counts (generation_utils.py's _sample), torch-free so the CLI, the
// views and the tests can compute them without a tensor. The arithmetic is float32 throughout, as in Dream,
// because the counts int(n * (1 - s/t)) change with the last bit of s/t.

#include <string>
#include <vector>

namespace dlm {

/**
 * torch.linspace(1, eps, steps + 1) in float32, value for value: step = (eps - 1) / steps; the first
 * (steps + 1) / 2 entries are 1 + step * i, the rest eps - step * (steps - i), each as one fused multiply-add
 * rounded to float32, as torch's CUDA kernel (where Dream runs) computes them. LibTorch's CPU kernel agrees
 * below 2 x its vector width (16 entries with AVX2) and rounds some entries differently above it.
 */
std::vector<float> dreamTimesteps(int steps, double eps);

/** What one step of Dream's schedule asks for, step index i = 0 .. steps-1 (later steps count as the last). */
struct DreamStepPlan
{
    float t = 1.0f; ///< timesteps[i]
    float s = 0.0f; ///< timesteps[i + 1]
    bool last = false; ///< i >= steps - 1: everything still masked is revealed
    float revealP = 1.0f; ///< origin: 1 - s/t in float32 (1 on the last step)
    int transferCount = 0; ///< other algs: int(float32(masked) * (1 - s/t)); all masked on the last step
};

/** The plan of step `index` with `masked` positions still masked, on the grid from dreamTimesteps. */
DreamStepPlan dreamStepPlan(const std::vector<float> &timesteps, int index, int masked);

struct StepRecord;

/**
 * A Dream step's decision in Dream's terms, for terminals and tooltips: "k = 3 from the schedule at
 * t=0.62 -> s=0.55" or "origin: independent reveals with p = 1 - s/t = 0.11 (t=0.62 -> s=0.55), 3 revealed".
 * Empty for records not made by Dream's sampler.
 */
std::string dreamDecisionText(const StepRecord &record);

} // namespace dlm
