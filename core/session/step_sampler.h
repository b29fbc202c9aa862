#pragma once
// One denoising step of a sampling loop, behind one interface: given the branch's current record, the model and
// the settings, decide the next StepRecord (which rows the model reads, what is committed, what is remasked).
// Session runs "the sampler" of its branch's settings without knowing which; the registry (step_sampler.cpp)
// maps each SamplerKind to the sampler that implements it. Internal to core/session; torch-free header (the
// implementations include ATen in their .cpp files).

#include "core/base/result.h"
#include "core/sampling/generation_settings.h"
#include "core/session/session.h"
#include "core/timeline/timeline.h"

#include <memory>
#include <optional>
#include <string>

namespace dlm {

class LogitsModel;
struct StepCacheState;

/** What a sampler's step is given: the record it starts from (record `index` of `branch`) and what to run. */
struct StepInput
{
    const Branch &branch;
    int index = 0;
    LogitsModel &model;
    const GenerationSettings &settings; ///< the branch's own (Session::branchSettings)
    int32_t mask = -1;
    const StepProgress &progress; ///< watch the step's forward passes with a ForwardWatch
    std::shared_ptr<StepCacheState> &cache; ///< Fast-dLLM's kept keys and values, for samplers that use them

    const StepRecord &current() const { return branch.at(index); }
};

/**
 * A sampling loop's step (LLaDA's generate(), Dream's _sample, ...). Made for one GenerationSettings and prompt
 * length (its schedule, strategy, time grid); the session makes a new one when a branch runs with other settings.
 * Session::computeNextStep writes the record, its pieces and the timeline, and turns ForwardStopped and errors
 * into a Status: a sampler only computes and may throw.
 */
class StepSampler
{
public:
    virtual ~StepSampler() = default;

    /**
     * Why the branch at `in.current()` has no step left to take ("generation finished: ..."), or nothing when
     * it has one. Called before every step; needs no model pass.
     */
    virtual std::optional<std::string> finished(const Branch &branch, int index, int32_t mask) const = 0;

    /**
     * The next record: its kind, step numbers, the forward pass, the decision (applyDecision), confidences,
     * candidates and row details, and the timings forwardMs and samplerMs. A failure means there was nothing to
     * do (the record is dropped). Runs under at::InferenceMode with the step's threads already chosen; the
     * forward pass may throw ForwardStopped (a stop request) or any std::exception (a failed step).
     */
    virtual Status step(const StepInput &in, StepRecord &rec) = 0;
};

/** The sampler of `settings.sampler` made for `settings` and a prompt of `promptLength` tokens. */
std::unique_ptr<StepSampler> makeStepSampler(const GenerationSettings &settings, int promptLength);

// The implementations, one file each; the registry in step_sampler.cpp names them.
std::unique_ptr<StepSampler> makeLladaStepSampler(const GenerationSettings &settings, int promptLength);
std::unique_ptr<StepSampler> makeDreamStepSampler(const GenerationSettings &settings, int promptLength);

} // namespace dlm
