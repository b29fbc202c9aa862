#pragma once
// config.json of a LLaDA-format model directory, parsed and checked field by field.

#include "core/base/result.h"

#include <cstdint>
#include <string>

namespace dlm {

/** The architecture hyper-parameters and special ids, with LLaDA's field names. */
struct ModelConfig
{
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

    int headDim() const { return dModel / nHeads; }
    /** Parameter count implied by the shapes. */
    int64_t parameterCount() const;
};

/** Parses and validates config.json text; `fileName` is used in messages. */
Result<ModelConfig> parseModelConfig(const std::string &jsonText, const std::string &fileName);
/** Reads and parses a config.json file. */
Result<ModelConfig> loadModelConfig(const std::string &path);
/** Writes the config as LLaDA-style JSON text (used by the trainer and test fixtures). */
std::string modelConfigToJson(const ModelConfig &config);

} // namespace dlm
