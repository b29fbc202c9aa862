#include "core/sampling/dream_schedule.h"

#include "core/timeline/step_record.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace dlm {

namespace {

// Every float32 operation is stored through a volatile so the compiler cannot fuse a multiply and an add
// (FMA) or keep extra precision: the grid must round exactly as torch's kernel does.
float roundF(float v)
{
    volatile float r = v;
    return r;
}

} // namespace

std::vector<float> dreamTimesteps(int steps, double eps)
{
    const int64_t count = static_cast<int64_t>(steps) + 1;
    const float start = 1.0f;
    const float end = static_cast<float>(eps);
    std::vector<float> out(static_cast<size_t>(count));
    if (count == 1) {
        out[0] = start;
        return out;
    }
    const float step = roundF((end - start) / static_cast<float>(count - 1));
    const int64_t halfway = count / 2;
    // start + step * i and end - step * (count - 1 - i), each one fused multiply-add rounded once: what the
    // CUDA kernel compiles to (nvcc contracts them by default) and what LibTorch's scalar CPU kernel gives on
    // FMA-capable CPUs. Checked bit for bit against at::linspace in test_dream_sampler.
    for (int64_t i = 0; i < count; ++i) {
        if (i < halfway)
            out[static_cast<size_t>(i)] = std::fma(step, static_cast<float>(i), start);
        else
            out[static_cast<size_t>(i)] = std::fma(-step, static_cast<float>(count - i - 1), end);
    }
    return out;
}

DreamStepPlan dreamStepPlan(const std::vector<float> &timesteps, int index, int masked)
{
    DreamStepPlan plan;
    const int steps = static_cast<int>(timesteps.size()) - 1;
    const int i = std::clamp(index, 0, std::max(steps - 1, 0));
    plan.t = timesteps[static_cast<size_t>(i)];
    plan.s = timesteps[static_cast<size_t>(std::min(i + 1, steps))];
    plan.last = index >= steps - 1;
    if (plan.last) {
        plan.revealP = 1.0f;
        plan.transferCount = masked;
        return plan;
    }
    // Dream: 1 - s / t on float32 tensors, then num_mask_token (a float32 tensor) times that, then int().
    plan.revealP = roundF(1.0f - roundF(plan.s / plan.t));
    plan.transferCount = static_cast<int>(roundF(static_cast<float>(masked) * plan.revealP));
    return plan;
}

std::string dreamDecisionText(const StepRecord &r)
{
    if (r.sampler != SamplerKind::Dream || r.kind != RecordKind::Denoise)
        return {};
    char buf[200];
    if (r.dreamAlg == DreamAlg::Origin) {
        const float p
            = r.scheduleT > 0 ? 1.0f - static_cast<float>(r.scheduleS) / static_cast<float>(r.scheduleT) : 1.0f;
        std::snprintf(buf, sizeof buf,
            "origin: independent reveals with p = 1 - s/t = %.3g (t=%.3g -> s=%.3g), %d revealed", double(p),
            r.scheduleT, r.scheduleS, r.transferCount);
    } else {
        std::snprintf(buf, sizeof buf, "%s: k = %d from the schedule at t=%.3g -> s=%.3g", dreamAlgName(r.dreamAlg),
            r.transferCount, r.scheduleT, r.scheduleS);
    }
    return buf;
}

} // namespace dlm
