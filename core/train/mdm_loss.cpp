#include "core/train/mdm_loss.h"

#include "core/model/logits_model.h"

#include <ATen/ATen.h>

namespace dlm {

MdmLoss mdmLossWithNoise(
    LogitsModel &model, const at::Tensor &ids, int64_t maskId, const at::Tensor &t, const at::Tensor &u)
{
    const int64_t batch = ids.size(0), len = ids.size(1);
    const at::Tensor p = (1.0 - kMdmEps) * t.to(at::kFloat) + kMdmEps; // [B]
    const at::Tensor masked = u.to(at::kFloat) < p.unsqueeze(1); // [B, L]
    const at::Tensor noisy = at::where(masked, at::full_like(ids, maskId), ids);

    const at::Tensor logits = model.logits(noisy); // [B, L, V]
    // Score only the masked rows: the softmax over the vocabulary is the costly part of the loss, and
    // unmasked positions contribute nothing.
    const at::Tensor index = masked.reshape({-1}).nonzero().squeeze(1);
    MdmLoss out;
    out.maskedTokens = index.size(0);
    if (out.maskedTokens == 0) {
        // Still tied to the graph, so backward() works and gives zero gradients.
        out.loss = logits.sum() * 0.0;
        return out;
    }
    const at::Tensor rows = logits.reshape({batch * len, -1}).index_select(0, index);
    const at::Tensor targets = ids.reshape({-1}).index_select(0, index).to(at::kLong);
    const at::Tensor weights = p.unsqueeze(1).expand({batch, len}).reshape({-1}).index_select(0, index);
    const at::Tensor ce = at::cross_entropy_loss(rows, targets, {}, at::Reduction::None);
    out.loss = (ce / weights).sum() / static_cast<double>(batch * len);
    return out;
}

MdmLoss mdmLoss(LogitsModel &model, const at::Tensor &ids, int64_t maskId, at::Generator generator)
{
    const at::Tensor t = at::rand({ids.size(0)}, generator, at::kFloat);
    const at::Tensor u = at::rand({ids.size(0), ids.size(1)}, generator, at::kFloat);
    return mdmLossWithNoise(model, ids, maskId, t, u);
}

} // namespace dlm
