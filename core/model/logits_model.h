#pragma once
// What the sampler needs from a model: logits for a batch of canvases. LLaDA's, Dream's and LLaDA-MoE's transformers
// implement it; tests implement it with fixed logits. Include only from .cpp files: it pulls in ATen.

#include "core/model/forward_progress.h"
#include "core/model/model_config.h"
#include "core/sampling/cache_mode.h"
#include "core/timeline/expert_routing.h"

#include <ATen/core/Tensor.h>

#include <stdexcept>
#include <string>

namespace dlm {

struct KvCache;

/** A masked diffusion denoiser: token ids in, logits over the vocabulary out. */
class LogitsModel
{
public:
    virtual ~LogitsModel() = default;
    /** ids: int64 [batch, length]. Returns float32 [batch, length, vocabSize]. */
    virtual at::Tensor logits(const at::Tensor &ids) = 0;
    /**
     * The logits of canvas positions `rows` only (int64 [n]): float32 [batch, n, vocabSize], bit for bit the
     * same rows as logits(ids). Models override it to skip the output head for rows nobody reads.
     */
    virtual at::Tensor logitsAt(const at::Tensor &ids, const at::Tensor &rows)
    {
        return logits(ids).index_select(1, rows);
    }

    /** Whether logitsFillingCache / logitsFromCache work (Fast-dLLM's caches; LLaDA's architecture). */
    virtual bool supportsKvCache() const { return false; }
    /** Like logitsAt over the whole canvas, and keeps every layer's keys and values in `cache`. */
    virtual at::Tensor logitsFillingCache(const at::Tensor &ids, const at::Tensor &rows, KvCache &cache)
    {
        (void)ids, (void)rows, (void)cache;
        throw std::logic_error(name() + " has no KV cache");
    }
    /**
     * The logits of `rows` (all inside [start, end)) recomputing only the block [start, end) (dual: the cache
     * supplies every other position, and the block's fresh keys/values replace the cached ones) or [start,
     * len) (prefix: the cache supplies the positions before `start`).
     */
    virtual at::Tensor logitsFromCache(
        const at::Tensor &ids, const at::Tensor &rows, KvCache &cache, CacheMode mode, int64_t start, int64_t end)
    {
        (void)ids, (void)rows, (void)cache, (void)mode, (void)start, (void)end;
        throw std::logic_error(name() + " has no KV cache");
    }
    virtual const ModelConfig &config() const = 0;
    /** Directory name or other short name, recorded in timelines. */
    virtual std::string name() const = 0;
    /** sha256 of config.json (empty if the model has no file). */
    virtual std::string configHash() const = 0;
    /** Mixture-of-experts models: the experts each position of batch row 0 used in the last `logits` call. */
    virtual const ExpertRouting *lastRouting() const { return nullptr; }

    /** Who watches the following forward passes layer by layer (empty: nobody); see forward_progress.h. */
    void setLayerProgress(LayerProgress progress) { m_layerProgress = std::move(progress); }

protected:
    /** Models call this after each layer and after the head; throws ForwardStopped when asked to stop. */
    void layerDone(int done, int total) const
    {
        if (m_layerProgress && !m_layerProgress(done, total))
            throw ForwardStopped();
    }

private:
    LayerProgress m_layerProgress;
};

} // namespace dlm
