#include "core/session/step_forward.h"

#include "core/model/kv_cache.h"
#include "core/model/logits_model.h"
#include "core/sampling/candidates.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace dlm {

struct StepCacheState
{
    KvCache kv;
    CacheMode mode = CacheMode::None;
    int block = -1, start = 0, end = 0; ///< the block the keys and values were kept for
    std::vector<int32_t> canvas; ///< the canvas the keys and values were computed from
};

namespace {

at::Tensor canvasTensor(const std::vector<int32_t> &tokens)
{
    return at::tensor(std::vector<int64_t>(tokens.begin(), tokens.end()), at::kLong).unsqueeze(0);
}

at::Tensor rowTensor(const std::vector<int32_t> &rows)
{
    return at::tensor(std::vector<int64_t>(rows.begin(), rows.end()), at::kLong);
}

// The whole canvas; with guidance a second canvas with its prompt masked in the same batch (LLaDA's cfg),
// mixed into one logits row per position.
at::Tensor uncachedLogits(
    LogitsModel &model, const StepRecord &cur, const at::Tensor &rows, double cfgScale, int32_t mask)
{
    const at::Tensor canvas = canvasTensor(cur.tokens);
    if (cfgScale <= 0.0)
        return model.logitsAt(canvas, rows)[0];
    at::Tensor uncond = canvas.clone();
    for (int p = 0; p < cur.length(); ++p) {
        if (cur.states[static_cast<size_t>(p)] == PositionState::Prompt)
            uncond[0][p] = mask;
    }
    const at::Tensor both = model.logitsAt(at::cat({canvas, uncond}, 0), rows);
    return mixGuidance(both[0], both[1], cfgScale);
}

/** Whether the kept keys and values still describe this canvas for this block. */
bool cacheUsable(const StepCacheState *cache, const StepRecord &cur, const std::vector<int32_t> &rows,
    const StepBlock &block, CacheMode mode)
{
    if (!cache || cache->mode != mode || cache->block != block.index || cache->start != block.start
        || cache->end != block.end || block.stepInBlock == 0 || cache->canvas.size() != cur.tokens.size())
        return false;
    // A row before the block cannot come from a pass that starts at the block.
    if (!rows.empty() && rows.front() < block.start)
        return false;
    // Prefix: the kept positions are those before the block. Dual: everything outside it.
    const int keptEnd = mode == CacheMode::Dual ? cur.length() : block.start;
    for (int p = 0; p < keptEnd; ++p) {
        if (p >= block.start && p < block.end)
            continue;
        if (cache->canvas[size_t(p)] != cur.tokens[size_t(p)])
            return false;
    }
    return true;
}

} // namespace

ForwardWatch::ForwardWatch(LogitsModel &model, const StepProgress &progress, int denoiseStep)
    : m_model(model)
{
    if (!progress)
        return;
    model.setLayerProgress([progress, denoiseStep](int done, int total) {
        return progress(StepProgressInfo {denoiseStep, done, total});
    });
}

ForwardWatch::~ForwardWatch()
{
    m_model.setLayerProgress({});
}

StepForward runStepForward(LogitsModel &model, const StepRecord &cur, const std::vector<int32_t> &rows,
    const std::vector<int32_t> &later, const StepBlock &block, const GenerationSettings &settings, int32_t mask,
    std::shared_ptr<StepCacheState> &cache)
{
    StepForward out;
    std::vector<int32_t> all = rows;
    all.insert(all.end(), later.begin(), later.end());
    const at::Tensor rowIndex = rowTensor(all);
    out.laterRun = !later.empty();
    out.forwardPositions = cur.length();
    if (settings.cache == CacheMode::None || settings.cfgScale > 0 || !model.supportsKvCache()) {
        out.logits = uncachedLogits(model, cur, rowIndex, settings.cfgScale, mask);
        return out;
    }
    const at::Tensor canvas = canvasTensor(cur.tokens);
    if (!cacheUsable(cache.get(), cur, rows, block, settings.cache)) {
        if (!cache)
            cache = std::make_shared<StepCacheState>();
        // Until the fill completes the cache describes no block: a fill stopped half way (ForwardStopped) has
        // overwritten some layers, and must not pass for the cache of the canvas it was kept for.
        cache->block = -1;
        out.logits = model.logitsFillingCache(canvas, rowIndex, cache->kv)[0];
        cache->mode = settings.cache;
        cache->block = block.index;
        cache->start = block.start;
        cache->end = block.end;
        cache->canvas = cur.tokens;
        out.cacheFilled = true;
        return out;
    }
    // Dual recomputes the block only: rows right of it have no fresh hidden state on this step.
    const bool dual = settings.cache == CacheMode::Dual;
    out.laterRun = out.laterRun && !dual;
    out.logits = model.logitsFromCache(
        canvas, dual ? rowTensor(rows) : rowIndex, cache->kv, settings.cache, block.start, block.end)[0];
    out.forwardPositions = settings.cache == CacheMode::Dual ? block.end - block.start : cur.length() - block.start;
    return out;
}

} // namespace dlm
