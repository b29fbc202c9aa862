#pragma once
// What the sampler needs from a model: logits for a batch of canvases. LLaDA's, Dream's and LLaDA-MoE's transformers
// implement it; tests implement it with fixed logits. Include only from .cpp files: it pulls in ATen.

#include "core/model/model_config.h"
#include "core/timeline/expert_routing.h"

#include <ATen/core/Tensor.h>

#include <string>

namespace dlm {

/** A masked diffusion denoiser: token ids in, logits over the vocabulary out. */
class LogitsModel
{
public:
    virtual ~LogitsModel() = default;
    /** ids: int64 [batch, length]. Returns float32 [batch, length, vocabSize]. */
    virtual at::Tensor logits(const at::Tensor &ids) = 0;
    virtual const ModelConfig &config() const = 0;
    /** Directory name or other short name, recorded in timelines. */
    virtual std::string name() const = 0;
    /** sha256 of config.json (empty if the model has no file). */
    virtual std::string configHash() const = 0;
    /** Mixture-of-experts models: the experts each position of batch row 0 used in the last `logits` call. */
    virtual const ExpertRouting *lastRouting() const { return nullptr; }
};

} // namespace dlm
