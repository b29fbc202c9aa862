#pragma once
// Session's private state, shared by session.cpp (creating, stepping; LibTorch) and session_edits.cpp
// (edits and taking them back; no tensors). Not part of the public API.

#include "core/session/session.h"
#include "core/session/step_sampler.h"

#include <memory>
#include <vector>

namespace dlm {

struct StepCacheState; // core/session/step_forward.h: Fast-dLLM's kept keys and values

struct Session::Impl
{
    std::shared_ptr<LogitsModel> model;
    std::shared_ptr<Tokenizer> tokenizer;
    std::unique_ptr<StepSampler> sampler; ///< the sampler of `configured` (step_sampler.h)
    std::shared_ptr<StepCacheState> stepCache; ///< with settings.cache prefix/dual; refilled as needed
    GenerationSettings configured; ///< the settings the sampler was made for
    StepProgress stepProgress; ///< who watches forward passes layer by layer (setStepProgress)

    void configure(std::shared_ptr<LogitsModel> m, std::shared_ptr<Tokenizer> t, const GenerationSettings &settings,
        int promptLength)
    {
        model = std::move(m);
        tokenizer = std::move(t);
        samplerFor(settings, promptLength);
    }

    /** The sampler of `settings`, made again when they differ from the last (branches run again with others). */
    StepSampler &samplerFor(const GenerationSettings &settings, int promptLength)
    {
        if (!sampler || settings != configured) {
            sampler = makeStepSampler(settings, promptLength);
            configured = settings;
        }
        return *sampler;
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
