// LLaDA's forward pass: the whole canvas (LLaDA's generate()), selected output rows (the head only where a
// prediction is read), and Fast-dLLM's prefix and dual KV caches. One code path serves all of them, so the
// uncached pass, the pass that fills a cache and the rows of logitsAt are the same arithmetic.
#include "core/model/fixed_matmul.h"
#include "core/model/kv_cache.h"
#include "core/model/llada_model.h"
#include "core/model/tensor_ops.h"

#include <ATen/ATen.h>

#include <cmath>
#include <vector>

namespace dlm {

at::Tensor LladaModel::hiddenStates(
    const at::Tensor &ids, int64_t queryStart, int64_t queryEnd, KvCache *cache, CacheMode use) const
{
    const ModelConfig &c = m_config;
    const int64_t batch = ids.size(0), len = ids.size(1), queryLen = queryEnd - queryStart;
    const int64_t nh = c.nHeads, nkv = c.nKvHeads, hd = c.headDim();
    const LladaWeights &w = m_weights;
    const bool fill = cache && use == CacheMode::None;
    if (fill)
        cache->keys.assign(w.blocks.size(), {}), cache->values.assign(w.blocks.size(), {});

    const at::Tensor queryIds = ids.narrow(1, queryStart, queryLen).reshape({-1}).to(at::kLong);
    at::Tensor x = w.wte.index_select(0, queryIds).view({batch, queryLen, c.dModel});

    // Rotary tables for the whole canvas: keys always cover it; queries take the rows of their positions.
    const auto [cos, sin] = rotaryTables(len, m_invFreq);
    const at::Tensor queryCos = cos.narrow(2, queryStart, queryLen), querySin = sin.narrow(2, queryStart, queryLen);

    for (size_t layer = 0; layer < w.blocks.size(); ++layer) {
        const auto &b = w.blocks[layer];
        const at::Tensor h = rmsNorm(x, b.attnNorm, c.rmsNormEps);
        const at::Tensor q = fixedLinear(h, b.qProj).view({batch, queryLen, nh, hd}).transpose(1, 2);
        at::Tensor k = fixedLinear(h, b.kProj).view({batch, queryLen, nkv, hd}).transpose(1, 2);
        at::Tensor v = fixedLinear(h, b.vProj).view({batch, queryLen, nkv, hd}).transpose(1, 2);
        // Cached keys are kept before the rotary embedding and rotated with the canvas each pass, as
        // Fast-dLLM's LLaDA does.
        if (fill) {
            cache->keys[layer] = k.contiguous();
            cache->values[layer] = v.contiguous();
        } else if (cache && use == CacheMode::Prefix) {
            k = at::cat({cache->keys[layer].narrow(2, 0, queryStart), k}, 2);
            v = at::cat({cache->values[layer].narrow(2, 0, queryStart), v}, 2);
        } else if (cache && use == CacheMode::Dual) {
            cache->keys[layer].narrow(2, queryStart, queryLen).copy_(k);
            cache->values[layer].narrow(2, queryStart, queryLen).copy_(v);
            k = cache->keys[layer];
            v = cache->values[layer];
        }
        const at::Tensor attended
            = bidirectionalAttention(applyRotary(q, queryCos, querySin), applyRotary(k, cos, sin), v);
        x = x + fixedLinear(attended, b.attnOut);
        x = x + swiGlu(rmsNorm(x, b.ffNorm, c.rmsNormEps), b.ffProj, b.upProj, b.ffOut);
        layerDone(int(layer) + 1, int(w.blocks.size()) + 1);
    }
    return rmsNorm(x, w.lnF, c.rmsNormEps);
}

at::Tensor LladaModel::head(
    const at::Tensor &hidden, int64_t firstPosition, const at::Tensor &rows, int64_t canvasLength) const
{
    // Tiles of canvas positions (fixed_matmul.h): a row's logits are the same bits whichever rows a step
    // reads with it, which is what makes the head on the rows a step reads exactly those rows of the full head.
    at::Tensor logits = fixedHeadRows(hidden, firstPosition, rows, m_weights.head, canvasLength);
    if (logits.size(-1) > m_config.vocabSize) // padded embedding rows are not tokens
        logits = logits.narrow(-1, 0, m_config.vocabSize);
    const int stages = int(m_weights.blocks.size()) + 1;
    layerDone(stages, stages);
    return logits.to(at::kFloat);
}

at::Tensor LladaModel::logits(const at::Tensor &ids)
{
    return head(hiddenStates(ids, 0, ids.size(1), nullptr, CacheMode::None), 0, at::arange(ids.size(1)), ids.size(1));
}

at::Tensor LladaModel::logitsAt(const at::Tensor &ids, const at::Tensor &rows)
{
    return head(hiddenStates(ids, 0, ids.size(1), nullptr, CacheMode::None), 0, rows, ids.size(1));
}

at::Tensor LladaModel::logitsFillingCache(const at::Tensor &ids, const at::Tensor &rows, KvCache &cache)
{
    return head(hiddenStates(ids, 0, ids.size(1), &cache, CacheMode::None), 0, rows, ids.size(1));
}

at::Tensor LladaModel::logitsFromCache(
    const at::Tensor &ids, const at::Tensor &rows, KvCache &cache, CacheMode mode, int64_t start, int64_t end)
{
    const int64_t queryEnd = mode == CacheMode::Dual ? end : ids.size(1);
    const at::Tensor hidden = hiddenStates(ids, start, queryEnd, &cache, mode);
    return head(hidden, start, rows, ids.size(1));
}

} // namespace dlm
