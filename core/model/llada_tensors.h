#pragma once
// The one table of a LLaDA checkpoint's tensors: names, shapes (from config.json) and what each one is for.
// The loader, its shape check, saving, the trainer and the test fixtures all walk this table, so a name or a
// shape is written down once. Other families (Dream, LLaDA-MoE) get their own table beside this one.

#include "core/model/model_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlm {

/** What a tensor of a LLaDA checkpoint is: one of the nine per-block weights, or one around the blocks. */
enum class LladaTensorRole {
    Embedding, ///< wte: [embedding_size, d_model]
    AttnNorm,
    QProj,
    KProj,
    VProj,
    AttnOut,
    FfNorm,
    FfProj, ///< the SwiGLU gate
    UpProj,
    FfOut,
    FinalNorm, ///< ln_f
    Head, ///< ff_out of the model; absent when weight_tying (wte is the head)
};

/** One tensor of the checkpoint. */
struct LladaTensorSpec
{
    std::string name; ///< e.g. "model.transformer.blocks.3.q_proj.weight"
    std::vector<int64_t> shape; ///< LLaDA's layout, [out, in]
    LladaTensorRole role = LladaTensorRole::Embedding;
    int layer = -1; ///< block index, -1 for tensors outside the blocks
};

/**
 * The tensors a config implies, in checkpoint order: wte, then per block attn_norm, q/k/v_proj, attn_out,
 * ff_norm, ff_proj, up_proj, ff_out, then ln_f and (unless weight_tying) the output head.
 */
std::vector<LladaTensorSpec> lladaTensors(const ModelConfig &config);

/** Whether a role is an RMSNorm gain (a vector initialised to ones, excluded from weight decay). */
bool isNormRole(LladaTensorRole role);

/**
 * The names in `present` (a checkpoint's tensors) that `expected` does not use, except rotary-frequency
 * buffers ("...inv_freq"), which some exporters save and every loader recomputes. A config whose n_layers
 * is smaller than the weights' would otherwise load half a model without a word.
 */
std::vector<std::string> unusedTensorNames(
    const std::vector<LladaTensorSpec> &expected, const std::vector<std::string> &present);

/** Elements in a shape. */
int64_t shapeElementCount(const std::vector<int64_t> &shape);

} // namespace dlm
