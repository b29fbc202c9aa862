#pragma once
// The forward pass of one denoising step: which canvas positions the model runs, with or without Fast-dLLM's
// KV cache, and the logits of the rows the sampler reads (the output head runs on those rows only). Internal
// to core/session; include only from .cpp files: it pulls in ATen.

#include "core/sampling/generation_settings.h"
#include "core/session/session.h"
#include "core/timeline/step_record.h"

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

namespace dlm {

class LogitsModel;

/**
 * Reports the forward passes made while it lives to `progress` as step `denoiseStep`, and stops them when it
 * says so (the pass throws ForwardStopped); restores the model's silence when it goes.
 */
class ForwardWatch
{
public:
    ForwardWatch(LogitsModel &model, const StepProgress &progress, int denoiseStep);
    ~ForwardWatch();
    ForwardWatch(const ForwardWatch &) = delete;
    ForwardWatch &operator=(const ForwardWatch &) = delete;

private:
    LogitsModel &m_model;
};

/** What a step's forward pass produced. */
struct StepForward
{
    at::Tensor logits; ///< float32 [rows, vocab]: the block's rows, then the later rows if laterRun, in order
    bool laterRun = false; ///< the later rows were run (not on a dual-cache step, which runs the block only)
    int forwardPositions = 0; ///< canvas positions the transformer ran (the whole canvas without a cache)
    bool cacheFilled = false; ///< a cached run that ran the whole canvas and kept its keys and values
};

/** Where the cached keys and values came from; kept by the session between steps. */
struct StepCacheState;

/** The block a step works in, on the canvas. */
struct StepBlock
{
    int index = 0;
    int start = 0, end = 0; ///< canvas positions [start, end)
    int stepInBlock = 0; ///< denoising steps already done in this block
};

/**
 * Runs the model for `rows` of the canvas `cur`, and for `later` (rows right of the block, recorded but never
 * decided on) wherever the pass computes them. Without a cache (or with guidance), the whole canvas runs.
 * With settings.cache prefix or dual, the first step of a block (and any step whose canvas outside the block
 * differs from the one the cache was filled from, or that reads a row before the block) runs the whole canvas
 * and fills the cache; the others run the block (dual: `later` is not computed) or the block and the suffix
 * (prefix: `later` is) only.
 */
StepForward runStepForward(LogitsModel &model, const StepRecord &cur, const std::vector<int32_t> &rows,
    const std::vector<int32_t> &later, const StepBlock &block, const GenerationSettings &settings, int32_t mask,
    std::shared_ptr<StepCacheState> &cache);

} // namespace dlm
