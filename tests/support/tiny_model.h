#pragma once
// A tiny random LLaDA-format model directory written at test time: config.json, model.safetensors (or
// shards with an index) and tokenizer.model. Weights are seeded, so the same call gives the same files.

#include "core/model/llada_tensors.h"
#include "core/model/model_config.h"
#include "core/model/safetensors.h"

#include <string>

namespace dlm::testing {

struct TinyModelOptions
{
    int dModel = 32;
    int nHeads = 4;
    int nKvHeads = 2;
    int nLayers = 2;
    int mlpHiddenSize = 64;
    int vocabSize = 200; ///< must match the tiny tokenizer's vocabulary
    int maxSequenceLength = 256;
    uint64_t seed = 1234;
    double weightStd = 0.02; ///< of the matrices; larger values give peakier, less tie-prone predictions
    TensorDType dtype = TensorDType::F32;
    int shards = 1; ///< > 1 writes model-0000i-of-0000n.safetensors + index
    bool writeTokenizer = true;
};

/** Writes the directory; returns the config that was written, or a message. */
Result<ModelConfig> writeTinyModel(const std::string &dir, const TinyModelOptions &options = {});

} // namespace dlm::testing
