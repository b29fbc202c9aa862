#pragma once
// Dream and LLaDA-MoE: Hugging Face style decoder layers run bidirectionally. One class for both, because
// they differ only in a few switches the config carries: Dream has q/k/v biases, a dense SwiGLU MLP and
// shifts its logits one position right (the prediction for position i is read at i - 1); LLaDA-MoE has
// per-head q/k RMSNorms and a softmax router over experts, whose choices it records. Include only from .cpp
// files: it pulls in ATen.

#include "core/base/result.h"
#include "core/model/logits_model.h"
#include "core/model/model_loader.h"

#include <memory>
#include <string>
#include <vector>

namespace dlm {

class WeightAssigner;
class WeightStore;

/** One decoder layer's weights ([out, in]); tensors a family does not have stay undefined. */
struct DecoderLayerWeights
{
    at::Tensor inputNorm, q, qBias, k, kBias, v, vBias, o, oBias, qNorm, kNorm, postNorm;
    at::Tensor gate, up, down; ///< dense SwiGLU MLP (Dream; LLaDA-MoE's dense layers)
    at::Tensor router; ///< [experts, d_model] (mlp.gate)
    std::vector<at::Tensor> expertGate, expertUp, expertDown;
    at::Tensor sharedGate, sharedUp, sharedDown; ///< LLaDA-MoE's optional shared expert
};

/** A loaded Dream or LLaDA-MoE model. */
class DecoderModel : public LogitsModel
{
public:
    /**
     * Maps the weights of `dir` for `config` (parsed from its config.json, special ids resolved), after
     * checking every tensor the config implies.
     */
    static Result<std::shared_ptr<DecoderModel>> load(const std::string &dir, const ModelConfig &config,
        ComputeDType dtype = ComputeDType::F32, const LoadProgress &progress = {},
        ReadAhead readAhead = ReadAhead::SkipResident);
    /** The same, reporting to a reporter shared with the rest of a directory's load (loadModelDirectory). */
    static Result<std::shared_ptr<DecoderModel>> load(const std::string &dir, const ModelConfig &config,
        ComputeDType dtype, LoadReporter &reporter, ReadAhead readAhead);

    /** Dream: the logits the sampler sees, already shifted (row i holds the raw logits of i - 1; row 0 its own). */
    at::Tensor logits(const at::Tensor &ids) override;
    const ModelConfig &config() const override { return m_config; }
    std::string name() const override { return m_name; }
    std::string configHash() const override { return m_configHash; }
    const ExpertRouting *lastRouting() const override;
    std::string storageDType() const { return m_storageDType; }

private:
    DecoderModel() = default;
    /** False when the load was cancelled part-way. */
    bool assignWeights(WeightAssigner &assign);
    at::Tensor attention(
        const DecoderLayerWeights &w, const at::Tensor &x, const at::Tensor &cos, const at::Tensor &sin) const;
    at::Tensor mixture(const DecoderLayerWeights &w, const at::Tensor &x, int layer);

    ModelConfig m_config;
    at::Tensor m_embed, m_norm, m_head;
    std::vector<DecoderLayerWeights> m_layers;
    std::shared_ptr<WeightStore> m_store; ///< keeps memory-mapped weights alive
    std::string m_name, m_configHash, m_storageDType;
    at::Tensor m_invFreq;
    ExpertRouting m_routing; ///< of the last forward pass (MoE only)
};

} // namespace dlm
