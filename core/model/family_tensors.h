#pragma once
// Every family's tensor table behind one type, and the one check of a checkpoint against it: each tensor the
// config implies must be present with that shape and a float dtype, before anything is built. LLaDA's own
// table (llada_tensors) keeps its roles for the trainer; Dream's (dream_tensors) and LLaDA-MoE's
// (moe_tensors) use the checkpoints' Hugging Face names.

#include "core/base/result.h"
#include "core/model/model_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlm {

class WeightStore;

/** One tensor of a checkpoint. */
struct TensorSpec
{
    std::string name; ///< e.g. "model.layers.3.self_attn.q_proj.bias"
    std::vector<int64_t> shape; ///< [out, in] for matrices
    int layer = -1; ///< decoder layer, -1 for tensors outside the layers
    bool norm = false; ///< an RMSNorm gain (initialised to ones)
};

/** The tensors `config` implies for its family (its FamilyInfo::tensors), in checkpoint order. */
std::vector<TensorSpec> familyTensors(const ModelConfig &config);
/** LLaDA: its own table (llada_tensors) under the checkpoint's names. */
std::vector<TensorSpec> lladaFamilyTensors(const ModelConfig &config);
/** Dream: Qwen2 decoder layers with q/k/v biases (dream_tensors.cpp). */
std::vector<TensorSpec> dreamTensors(const ModelConfig &config);
/** LLaDA-MoE: q/k norms, a router and experts per layer (moe_tensors.cpp). */
std::vector<TensorSpec> moeTensors(const ModelConfig &config);

/** The attention and norm tensors of one Hugging Face decoder layer ("model.layers.N."), appended to `table`. */
void appendHfAttention(std::vector<TensorSpec> &table, const ModelConfig &config, int layer);
/** A SwiGLU MLP's gate/up/down under `prefix` ("model.layers.N.mlp."), appended to `table`. */
void appendSwiGlu(std::vector<TensorSpec> &table, const std::string &prefix, int hidden, int dModel, int layer);

/**
 * Checks every tensor of `expected` in `store`: present, F32/F16/BF16, the shape the config implies. Returns
 * the storage dtype's name ("F32", ...), or a one-line message naming the tensor (and `dir` or the file).
 */
Result<std::string> checkTensors(
    const WeightStore &store, const std::vector<TensorSpec> &expected, const std::string &dir);

} // namespace dlm
