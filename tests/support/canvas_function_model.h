#pragma once
// A fake LogitsModel whose logits depend on every token of the canvas and on the position, so every commit
// changes what later steps see. For sampler tests (Dream's conformance and statistics); ATen, header-only.

#include "core/model/logits_model.h"

#include <ATen/ATen.h>

namespace dlm::testing {

class CanvasFunctionModel : public LogitsModel
{
public:
    /** `scale` sets how peaked the distributions are; the mask token is never proposed (logit -30). */
    CanvasFunctionModel(int vocab, int maskId, uint64_t seed, double scale = 2.0)
    {
        m_config.vocabSize = vocab;
        m_config.embeddingSize = vocab;
        m_config.maskTokenId = maskId;
        m_config.eosTokenId = vocab - 1;
        m_config.maxSequenceLength = 512;
        at::manual_seed(seed);
        m_embed = at::randn({vocab, 16});
        m_pos = at::randn({512, 16});
        m_out = at::randn({16, vocab}) * scale;
    }
    at::Tensor logits(const at::Tensor &ids) override
    {
        const int64_t len = ids.size(1);
        at::Tensor e = m_embed.index_select(0, ids.reshape({-1})).view({ids.size(0), len, 16});
        at::Tensor context = e.mean(1, true);
        at::Tensor out = at::matmul(at::tanh(e + m_pos.narrow(0, 0, len).unsqueeze(0) + context), m_out);
        out.select(2, m_config.maskTokenId).fill_(-30.0f);
        return out;
    }
    const ModelConfig &config() const override { return m_config; }
    std::string name() const override { return "canvas-function"; }
    std::string configHash() const override { return {}; }

private:
    ModelConfig m_config;
    at::Tensor m_embed, m_pos, m_out;
};

} // namespace dlm::testing
