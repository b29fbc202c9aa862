#include "core/model/decoder_model.h"

#include "core/base/file_util.h"
#include "core/base/sha256.h"
#include "core/model/family_tensors.h"
#include "core/model/fixed_matmul.h"
#include "core/model/safetensors.h"
#include "core/model/tensor_ops.h"
#include "core/model/weight_loading.h"

#include <ATen/ATen.h>

namespace dlm {

Result<std::shared_ptr<DecoderModel>> DecoderModel::load(const std::string &dir, const ModelConfig &config,
    ComputeDType dtype, const LoadProgress &progress, ReadAhead readAhead)
{
    LoadReporter reporter(progress);
    return load(dir, config, dtype, reporter, readAhead);
}

Result<std::shared_ptr<DecoderModel>> DecoderModel::load(
    const std::string &dir, const ModelConfig &config, ComputeDType dtype, LoadReporter &reporter, ReadAhead readAhead)
{
    using R = Result<std::shared_ptr<DecoderModel>>;
    if (config.family == ModelFamily::Llada)
        return R::failure(dir + ": a LLaDA model is loaded by LladaModel, not the decoder model");
    auto store = WeightStore::openDirectory(dir, &reporter);
    if (!store)
        return R::failure(store.error());
    // Every tensor the config implies, checked before anything is built.
    if (!reporter.begin(LoadStage::Checking))
        return R::failure(kLoadCancelled);
    const Result<std::string> storage = checkTensors(**store, familyTensors(config), dir);
    if (!storage)
        return R::failure(storage.error());

    auto model = std::shared_ptr<DecoderModel>(new DecoderModel());
    model->m_config = config;
    model->m_store = *store;
    model->m_name = baseName(dir);
    model->m_storageDType = *storage;
    auto hash = sha256File(joinPath(dir, "config.json"));
    model->m_configHash = hash ? *hash : std::string();
    WeightAssigner assign(**store, dtype, reporter);
    if (!model->assignWeights(assign))
        return R::failure(kLoadCancelled);
    if (const Status ready = assign.finish(readAhead); !ready)
        return R::failure(ready.error());
    model->m_invFreq = rotaryInverseFrequencies(config.headDim(), config.ropeTheta);
    return model;
}

bool DecoderModel::assignWeights(WeightAssigner &assign)
{
    const ModelConfig &c = m_config;
    std::string detail = "embeddings and head";
    const auto get = [&](const std::string &name) { return assign.take(name, detail); };
    m_embed = get("model.embed_tokens.weight");
    m_norm = get("model.norm.weight");
    m_head = c.weightTying ? m_embed : get("lm_head.weight");
    m_layers.resize(size_t(c.nLayers));
    for (int i = 0; i < c.nLayers; ++i) {
        if (assign.cancelled())
            return false;
        detail = "layer " + std::to_string(i + 1) + " of " + std::to_string(c.nLayers);
        DecoderLayerWeights &w = m_layers[size_t(i)];
        const std::string p = "model.layers." + std::to_string(i) + ".";
        const std::string a = p + "self_attn.";
        w.inputNorm = get(p + "input_layernorm.weight");
        w.postNorm = get(p + "post_attention_layernorm.weight");
        w.q = get(a + "q_proj.weight");
        w.k = get(a + "k_proj.weight");
        w.v = get(a + "v_proj.weight");
        w.o = get(a + "o_proj.weight");
        if (c.qkvBias) {
            w.qBias = get(a + "q_proj.bias");
            w.kBias = get(a + "k_proj.bias");
            w.vBias = get(a + "v_proj.bias");
        }
        if (c.outBias)
            w.oBias = get(a + "o_proj.bias");
        if (c.qkNorm) {
            w.qNorm = get(a + "q_norm.weight");
            w.kNorm = get(a + "k_norm.weight");
        }
        const std::string m = p + "mlp.";
        if (c.family != ModelFamily::LladaMoe || !c.isMoeLayer(i)) {
            w.gate = get(m + "gate_proj.weight");
            w.up = get(m + "up_proj.weight");
            w.down = get(m + "down_proj.weight");
            continue;
        }
        w.router = get(m + "gate.weight");
        for (int e = 0; e < c.numExperts; ++e) {
            const std::string x = m + "experts." + std::to_string(e) + ".";
            w.expertGate.push_back(get(x + "gate_proj.weight"));
            w.expertUp.push_back(get(x + "up_proj.weight"));
            w.expertDown.push_back(get(x + "down_proj.weight"));
        }
        if (c.sharedExpertIntermediateSize > 0) {
            w.sharedGate = get(p + "shared_expert.gate_proj.weight");
            w.sharedUp = get(p + "shared_expert.up_proj.weight");
            w.sharedDown = get(p + "shared_expert.down_proj.weight");
        }
    }
    return !assign.cancelled();
}

at::Tensor DecoderModel::attention(
    const DecoderLayerWeights &w, const at::Tensor &x, const at::Tensor &cos, const at::Tensor &sin) const
{
    const ModelConfig &c = m_config;
    const int64_t batch = x.size(0), len = x.size(1), hd = c.headDim();
    at::Tensor q = fixedLinear(x, w.q, w.qBias).view({batch, len, c.nHeads, hd});
    at::Tensor k = fixedLinear(x, w.k, w.kBias).view({batch, len, c.nKvHeads, hd});
    const at::Tensor v = fixedLinear(x, w.v, w.vBias).view({batch, len, c.nKvHeads, hd}).transpose(1, 2);
    if (c.qkNorm) { // LLaDA-MoE: one RMSNorm over each head's vector, before the rotation
        q = rmsNorm(q, w.qNorm, c.rmsNormEps);
        k = rmsNorm(k, w.kNorm, c.rmsNormEps);
    }
    q = applyRotary(q.transpose(1, 2), cos, sin);
    k = applyRotary(k.transpose(1, 2), cos, sin);
    return fixedLinear(bidirectionalAttention(q, k, v), w.o, w.oBias);
}

at::Tensor DecoderModel::mixture(const DecoderLayerWeights &w, const at::Tensor &x, int layer)
{
    const ModelConfig &c = m_config;
    const int64_t topK = c.expertsPerToken, len = x.size(1);
    const at::Tensor flat = x.reshape({-1, x.size(2)});
    // The router's softmax in fp32 and its top-k, whose weights LLaDA-MoE does not renormalise.
    const at::Tensor probs = at::softmax(fixedLinear(flat, w.router).to(at::kFloat), -1);
    const auto [weights, chosen] = at::topk(probs, topK, -1);
    const at::Tensor scale = weights.to(flat.scalar_type());
    at::Tensor out = at::zeros_like(flat);
    for (int e = 0; e < c.numExperts; ++e) {
        const at::Tensor hit = chosen == e; // [rows, k]; an expert appears at most once per row
        const at::Tensor rows = hit.any(1).nonzero().squeeze(1);
        if (rows.numel() == 0)
            continue;
        const at::Tensor rowScale = (scale * hit.to(scale.scalar_type())).sum(1).index_select(0, rows).unsqueeze(1);
        const at::Tensor y = swiGlu(
            flat.index_select(0, rows), w.expertGate[size_t(e)], w.expertUp[size_t(e)], w.expertDown[size_t(e)]);
        out.index_add_(0, rows, y * rowScale);
    }
    if (w.sharedGate.defined())
        out = out + swiGlu(flat, w.sharedGate, w.sharedUp, w.sharedDown);

    // Batch row 0's choices: rows [0, len) of the flattened batch.
    const at::Tensor ids = chosen.narrow(0, 0, len).to(at::kShort).contiguous();
    const at::Tensor ws = weights.narrow(0, 0, len).contiguous();
    const size_t base = m_routing.index(layer, 0, 0), count = size_t(len * topK);
    std::copy_n(ids.data_ptr<int16_t>(), count, m_routing.ids.begin() + long(base));
    std::copy_n(ws.data_ptr<float>(), count, m_routing.weights.begin() + long(base));
    return out.view(x.sizes());
}

at::Tensor DecoderModel::logits(const at::Tensor &ids)
{
    const ModelConfig &c = m_config;
    const int64_t batch = ids.size(0), len = ids.size(1);
    const bool moe = c.family == ModelFamily::LladaMoe;
    if (moe) {
        m_routing.layers = c.nLayers;
        m_routing.positions = int(len);
        m_routing.k = c.expertsPerToken;
        m_routing.ids.assign(size_t(c.nLayers) * size_t(len) * size_t(c.expertsPerToken), -1);
        m_routing.weights.assign(m_routing.ids.size(), 0.0f);
    }
    at::Tensor x = m_embed.index_select(0, ids.reshape({-1}).to(at::kLong)).view({batch, len, c.dModel});
    const auto [cos, sin] = rotaryTables(len, m_invFreq);
    for (int i = 0; i < c.nLayers; ++i) {
        const DecoderLayerWeights &w = m_layers[size_t(i)];
        x = x + attention(w, rmsNorm(x, w.inputNorm, c.rmsNormEps), cos, sin);
        const at::Tensor h = rmsNorm(x, w.postNorm, c.rmsNormEps);
        x = x + (w.router.defined() ? mixture(w, h, i) : swiGlu(h, w.gate, w.up, w.down));
        layerDone(i + 1, c.nLayers + 1);
    }
    at::Tensor out = fixedLinear(rmsNorm(x, m_norm, c.rmsNormEps), m_head).to(at::kFloat);
    layerDone(c.nLayers + 1, c.nLayers + 1);
    // Dream was trained to predict token i at position i - 1 (generation_utils.py shifts before sampling):
    // every sampler, view and `forward` sees the shifted logits; position 0 keeps its own.
    if (c.family == ModelFamily::Dream && len > 1)
        out = at::cat({out.narrow(1, 0, 1), out.narrow(1, 0, len - 1)}, 1);
    return out;
}

const ExpertRouting *DecoderModel::lastRouting() const
{
    return m_routing.empty() ? nullptr : &m_routing;
}

} // namespace dlm
