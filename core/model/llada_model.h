#pragma once
// LLaDA's architecture: a LLaMA-style transformer with bidirectional attention, RMSNorm in fp32, NeoX
// rotary embeddings, SwiGLU (ff_proj gated), grouped KV heads, untied head. Loaded from a Hugging Face style
// directory with memory-mapped safetensors. Include only from .cpp files: it pulls in ATen.

#include "core/sampling/generation_settings.h"
#include "core/model/llada_tensors.h"
#include "core/model/logits_model.h"
#include "core/model/model_loader.h"
#include "core/base/result.h"
#include "core/model/safetensors.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dlm {

class WeightStore;

/** The weights of one LLaDA model as tensors in the compute dtype, in LLaDA's layout ([out, in]). */
struct LladaWeights
{
    at::Tensor wte; ///< [embedding_size, d_model]
    struct Block
    {
        at::Tensor attnNorm, qProj, kProj, vProj, attnOut, ffNorm, ffProj, upProj, ffOut;
    };
    std::vector<Block> blocks;
    at::Tensor lnF; ///< [d_model]
    at::Tensor head; ///< [embedding_size, d_model]; the same tensor as wte when weight_tying

    /** The tensor a table entry names (for a Head entry, the untied head). */
    at::Tensor &slot(const LladaTensorSpec &spec);
    /** Every tensor with its checkpoint name, in the table's order (for saving and optimisers). */
    std::vector<std::pair<std::string, at::Tensor>> named(const ModelConfig &config) const;
};

/** A loaded (or freshly initialised) LLaDA model. */
class LladaModel : public LogitsModel
{
public:
    /**
     * Loads config.json and the weights of `dir`; validates every tensor against the config, then reads the
     * weights into memory (`readAhead`). A progress callback returning false ends it with kLoadCancelled.
     */
    static Result<std::shared_ptr<LladaModel>> load(const std::string &dir, ComputeDType dtype = ComputeDType::F32,
        const LoadProgress &progress = {}, ReadAhead readAhead = ReadAhead::SkipResident);
    /** The same, reporting to a reporter shared with the rest of a directory's load (loadModelDirectory). */
    static Result<std::shared_ptr<LladaModel>> load(
        const std::string &dir, ComputeDType dtype, LoadReporter &reporter, ReadAhead readAhead);
    /** A model with random weights (normal, std 0.02; norms 1), for training from scratch. */
    static std::shared_ptr<LladaModel> initialise(const ModelConfig &config, uint64_t seed);

    at::Tensor logits(const at::Tensor &ids) override;
    /** Runs the output head on `rows` only: the same values, bit for bit, without the unused rows' cost. */
    at::Tensor logitsAt(const at::Tensor &ids, const at::Tensor &rows) override;
    bool supportsKvCache() const override { return true; }
    at::Tensor logitsFillingCache(const at::Tensor &ids, const at::Tensor &rows, KvCache &cache) override;
    at::Tensor logitsFromCache(const at::Tensor &ids, const at::Tensor &rows, KvCache &cache, CacheMode mode,
        int64_t start, int64_t end) override;
    const ModelConfig &config() const override { return m_config; }
    std::string name() const override { return m_name; }
    std::string configHash() const override { return m_configHash; }
    std::string directory() const { return m_dir; }
    ComputeDType dtype() const { return m_dtype; }
    /** Source dtype of the checkpoint ("F32", "BF16", ...). */
    std::string storageDType() const { return m_storageDType; }

    /**
     * Takes the special ids resolved from the whole directory (special_ids.h): config.json may leave the mask
     * out (LLaDA-MoE), and the session reads every id from config().
     */
    void setSpecialIds(const SpecialIds &ids);

    LladaWeights &weights() { return m_weights; }
    const LladaWeights &weights() const { return m_weights; }

    /** Writes config.json and model.safetensors (F32 or BF16) with LLaDA's tensor names. */
    Status save(const std::string &dir, TensorDType dtype) const;

private:
    LladaModel() = default;
    /**
     * The transformer over canvas positions [queryStart, queryEnd) of `ids`, returning their final-normed
     * hidden states. `cache` null: no cache. Otherwise `use` None fills it with every layer's keys and values
     * (the queries must then cover the canvas); Prefix takes the keys/values of the positions before
     * queryStart from it; Dual takes all others from it and writes the queried ones into it (as Fast-dLLM does).
     */
    at::Tensor hiddenStates(
        const at::Tensor &ids, int64_t queryStart, int64_t queryEnd, KvCache *cache, CacheMode use) const;
    /**
     * The output head on the canvas positions `rows` of `hidden` (the hidden states of positions
     * [firstPosition, firstPosition + n) of a canvas of `canvasLength`): float32 logits over the vocabulary
     * (padding rows dropped).
     */
    at::Tensor head(const at::Tensor &hidden, int64_t firstPosition, const at::Tensor &rows, int64_t canvasLength) const;
    ModelConfig m_config;
    LladaWeights m_weights;
    std::shared_ptr<WeightStore> m_store; ///< keeps memory-mapped weights alive
    std::string m_dir, m_name, m_configHash, m_storageDType;
    ComputeDType m_dtype = ComputeDType::F32;
    at::Tensor m_invFreq; ///< rotary inverse frequencies, fp32
};

} // namespace dlm
