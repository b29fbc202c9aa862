#pragma once
// Session's private state, shared by session.cpp (creating, stepping; LibTorch) and session_edits.cpp
// (edits and taking them back; no tensors). Not part of the public API.

#include "core/sampling/dream_schedule.h"
#include "core/sampling/remask_strategy.h"
#include "core/sampling/schedule.h"
#include "core/session/session.h"

#include <memory>
#include <vector>

namespace dlm {

struct StepCacheState; // core/session/step_forward.h: Fast-dLLM's kept keys and values

struct Session::Impl
{
    std::shared_ptr<LogitsModel> model;
    std::shared_ptr<Tokenizer> tokenizer;
    std::unique_ptr<RemaskStrategy> strategy;
    BlockSchedule schedule {0, 1, 1, 1};
    std::shared_ptr<StepCacheState> stepCache; ///< with settings.cache prefix/dual; refilled as needed
    std::vector<float> dreamGrid; ///< Dream's linspace(1, eps, steps + 1); empty for LLaDA's sampler
    GenerationSettings configured; ///< the settings strategy and schedule were made for
    StepProgress stepProgress; ///< who watches forward passes layer by layer (setStepProgress)

    /** The parts every session needs, from its settings: the commit strategy and the block schedule. */
    void configure(std::shared_ptr<LogitsModel> m, std::shared_ptr<Tokenizer> t, const GenerationSettings &settings,
        int promptLength)
    {
        model = std::move(m);
        tokenizer = std::move(t);
        configureSampler(settings, promptLength);
    }

    /** Strategy and schedule for `settings`; branches run again with other settings switch them per step. */
    void configureSampler(const GenerationSettings &settings, int promptLength)
    {
        if (settings.useThreshold)
            strategy = std::make_unique<ThresholdStrategy>();
        else
            strategy = std::make_unique<QuotaStrategy>();
        if (settings.sampler == SamplerKind::Dream) { // one block over the generation, Dream's time grid
            schedule = BlockSchedule(promptLength, settings.genLength, settings.genLength, settings.steps);
            dreamGrid = dreamTimesteps(settings.steps, settings.eps);
        } else {
            schedule = BlockSchedule(promptLength, settings.genLength, settings.blockLength, settings.steps);
        }
        configured = settings;
    }
};

/**
 * What undoing an edit took out of the timeline: either the tail of a branch (the edit record and the records
 * computed after it) or a whole branch the edit forked. Records are shared, never copied.
 */
struct DetachedHistory
{
    bool wholeBranch = false;
    /// wholeBranch: the branch as it was, with its id; otherwise only `id` (the branch the tail came off).
    Branch branch;
    /// The tail's first index (the edit record) and its records; unused for a whole branch.
    int from = 0;
    std::vector<std::shared_ptr<const StepRecord>> tail;
};

} // namespace dlm
