#pragma once
// Tiny random Dream and LLaDA-MoE model directories written at test time, with the published checkpoints'
// config keys and tensor names (config.json through modelConfigToJson, tensors from the family's table),
// plus the tiny tokenizer. Seeded, so the same options give the same files. Options can leave a tensor out
// or override config keys, to make the bad checkpoints the loader must refuse.

#include "core/model/model_config.h"
#include "core/model/safetensors.h"

#include <map>
#include <string>

namespace dlm::testing {

struct TinyFamilyOptions
{
    ModelFamily family = ModelFamily::Dream;
    int dModel = 32;
    int nHeads = 4;
    int nKvHeads = 2; ///< grouped KV heads: 2 KV heads serve 4 query heads
    int nLayers = 2;
    int mlpHiddenSize = 48; ///< Dream's intermediate_size; MoE's dense_intermediate_size
    int vocabSize = 200; ///< the tiny tokenizer's vocabulary
    int numExperts = 8;
    int expertsPerToken = 2;
    int expertHiddenSize = 16;
    double ropeTheta = 10000.0;
    uint64_t seed = 77;
    double weightStd = 0.2; ///< of matrices and biases: peaky enough that routing and argmax are not near ties
    TensorDType dtype = TensorDType::F32;
    std::string omitTensor; ///< a tensor name to leave out of the file
    std::map<std::string, std::string> configOverrides; ///< key -> JSON text replacing config.json's value
};

/** Writes the directory; returns the config written (before overrides), or a message. */
Result<ModelConfig> writeTinyFamilyModel(const std::string &dir, const TinyFamilyOptions &options = {});

} // namespace dlm::testing
