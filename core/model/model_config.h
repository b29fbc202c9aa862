#pragma once
// config.json of a model directory (LLaDA, Dream or LLaDA-MoE), parsed and checked field by field.

#include "core/base/result.h"
#include "core/model/model_family.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlm {

/**
 * The architecture hyper-parameters and special ids of every family, with LLaDA's field names; Dream's and
 * LLaDA-MoE's Hugging Face keys map onto them (hidden_size -> dModel, ...), see docs/model-families.md.
 */
struct ModelConfig
{
    ModelFamily family = ModelFamily::Llada; ///< from `architectures`, then `model_type`
    int dModel = 0; ///< d_model
    int nHeads = 0; ///< n_heads
    int nKvHeads = 0; ///< n_kv_heads (defaults to n_heads)
    int nLayers = 0; ///< n_layers
    int mlpHiddenSize = 0; ///< mlp_hidden_size
    int vocabSize = 0; ///< vocab_size
    int embeddingSize = 0; ///< embedding_size (rows of wte / ff_out; defaults to vocab_size)
    int maxSequenceLength = 0; ///< max_sequence_length
    double ropeTheta = 10000.0;
    double rmsNormEps = 1e-5;
    int32_t maskTokenId = -1;
    int32_t eosTokenId = -1;
    int32_t padTokenId = -1;
    int32_t bosTokenId = -1; ///< optional
    bool weightTying = false;

    // Dream and LLaDA-MoE (Hugging Face decoder layers). LLaDA leaves them at these values.
    bool qkvBias = false; ///< q/k/v projections carry a bias (Dream always; MoE's attention_bias)
    bool outBias = false; ///< o_proj carries a bias (MoE's attention_bias)
    bool qkNorm = false; ///< per-head RMSNorm on q and k before the rotation (MoE's qk_layernorm)
    int numExperts = 0; ///< num_experts (MoE)
    int expertsPerToken = 0; ///< num_experts_per_tok (MoE): the router's top-k
    int expertIntermediateSize = 0; ///< expert_intermediate_size (MoE)
    int sharedExpertIntermediateSize = 0; ///< shared_expert_intermediate_size; 0: no shared expert
    std::vector<uint8_t> moeLayers; ///< per layer, 1 when its MLP is the expert mixture (moe_layer_freq)

    bool isMoeLayer(int layer) const
    {
        return layer >= 0 && size_t(layer) < moeLayers.size() && moeLayers[size_t(layer)] != 0;
    }
    int headDim() const { return dModel / nHeads; }
    /** Parameter count implied by the shapes. */
    int64_t parameterCount() const;
};

/** Parses and validates config.json text; `fileName` is used in messages. */
Result<ModelConfig> parseModelConfig(const std::string &jsonText, const std::string &fileName);
/** Reads and parses a config.json file. */
Result<ModelConfig> loadModelConfig(const std::string &path);
/**
 * Writes the config as its family's JSON text: LLaDA's keys, or Dream's / LLaDA-MoE's Hugging Face keys (used
 * by the trainer, `info` and the test fixtures).
 */
std::string modelConfigToJson(const ModelConfig &config);

} // namespace dlm
