// LLaDA-MoE's checkpoint layout (modeling_lladamoe.py): OLMoE-style layers with q/k norms, a router
// (`mlp.gate`), experts at `mlp.experts.E.*`, an optional shared expert, and dense MLPs where moe_layer_freq
// says 0.
#include "core/model/family_tensors.h"

namespace dlm {

std::vector<TensorSpec> moeTensors(const ModelConfig &c)
{
    const int64_t d = c.dModel, rows = c.vocabSize;
    std::vector<TensorSpec> table;
    table.push_back({"model.embed_tokens.weight", {rows, d}, -1, false});
    for (int layer = 0; layer < c.nLayers; ++layer) {
        appendHfAttention(table, c, layer);
        const std::string mlp = "model.layers." + std::to_string(layer) + ".mlp.";
        if (!c.isMoeLayer(layer)) {
            appendSwiGlu(table, mlp, c.mlpHiddenSize, c.dModel, layer);
            continue;
        }
        table.push_back({mlp + "gate.weight", {c.numExperts, d}, layer, false});
        for (int e = 0; e < c.numExperts; ++e)
            appendSwiGlu(table, mlp + "experts." + std::to_string(e) + ".", c.expertIntermediateSize, c.dModel, layer);
        if (c.sharedExpertIntermediateSize > 0)
            appendSwiGlu(table, "model.layers." + std::to_string(layer) + ".shared_expert.",
                c.sharedExpertIntermediateSize, c.dModel, layer);
    }
    table.push_back({"model.norm.weight", {d}, -1, true});
    if (!c.weightTying)
        table.push_back({"lm_head.weight", {rows, d}, -1, false});
    return table;
}

} // namespace dlm
