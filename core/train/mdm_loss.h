#pragma once
// The masked diffusion training objective, exactly as LLaDA pretrains (its GUIDELINES.md forward_process):
// for each sequence draw t ~ U(0, 1) and set p = (1 - eps) t + eps; mask every token independently with
// probability p; the loss is the sum over masked positions of CE(logits, target) / p, divided by
// batch * seq_len. Dividing by p makes it an unbiased estimate of the ELBO bound on the negative
// log-likelihood. Include only from .cpp files: it pulls in ATen.

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace dlm {

class LogitsModel;

/** LLaDA's eps: the smallest masking probability, so 1/p stays bounded. */
inline constexpr double kMdmEps = 1e-3;

/** The loss of one batch and what went into it. */
struct MdmLoss
{
    at::Tensor loss; ///< scalar float32, differentiable through the model's weights
    int64_t maskedTokens = 0; ///< positions that were masked (and scored)
};

/**
 * The objective with the noise given: `t` float [B] in [0, 1), `u` float [B, L] in [0, 1); position (b, i) is
 * masked where u[b, i] < p[b]. Split from mdmLoss so tests can fix the masking pattern.
 */
MdmLoss mdmLossWithNoise(
    LogitsModel &model, const at::Tensor &ids, int64_t maskId, const at::Tensor &t, const at::Tensor &u);

/** The objective with t and u drawn from `generator` (t first, then u), as torch.rand would. */
MdmLoss mdmLoss(LogitsModel &model, const at::Tensor &ids, int64_t maskId, at::Generator generator);

} // namespace dlm
