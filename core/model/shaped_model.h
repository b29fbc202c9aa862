#pragma once
// Random models with the exact shapes of published checkpoints (LLaDA-8B, a 1B-class LLaDA), written as
// sharded safetensors with an index like the published directories. Weights are streamed to disk chunk by
// chunk, so writing a 16 GB model needs a few megabytes of memory. For benchmarks: the numbers are random, the
// shapes, dtypes and file layout are real.

#include "core/base/result.h"
#include "core/model/model_config.h"
#include "core/model/safetensors.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dlm {

/** A named shape: "llada-8b" (LLaDA-8B-Instruct's config) or "llada-1b" (d_model 2048, 16 layers). */
Result<ModelConfig> shapedModelConfig(const std::string &shape);
/** The shape names shapedModelConfig knows, for help texts. */
std::vector<std::string> shapedModelNames();

struct ShapedModelOptions
{
    TensorDType dtype = TensorDType::BF16; ///< F32 or BF16
    uint64_t maxShardBytes = 3ull << 30; ///< a new shard starts before a tensor would cross this size
    uint64_t seed = 1;
    double weightStd = 0.02; ///< matrices: uniform with this standard deviation; norm gains: ones
};

/** Progress: bytes written so far and the total. */
using WriteProgress = std::function<void(uint64_t written, uint64_t total)>;

/**
 * Writes config.json, `model-0000i-of-0000n.safetensors` shards and `model.safetensors.index.json` for a
 * LLaDA-format `config` into `dir` (which must exist). Each shard is written to a temporary name and renamed
 * when complete. No tokenizer is written.
 */
Status writeShapedModel(const std::string &dir, const ModelConfig &config, const ShapedModelOptions &options,
    const WriteProgress &progress = {});

} // namespace dlm
