// Dream's checkpoint layout: Qwen2's Hugging Face names (modeling_dream.py's DreamModel).
#include "core/model/family_tensors.h"

namespace dlm {

std::vector<TensorSpec> dreamTensors(const ModelConfig &c)
{
    const int64_t d = c.dModel, rows = c.vocabSize;
    std::vector<TensorSpec> table;
    table.push_back({"model.embed_tokens.weight", {rows, d}, -1, false});
    for (int layer = 0; layer < c.nLayers; ++layer) {
        appendHfAttention(table, c, layer);
        appendSwiGlu(table, "model.layers." + std::to_string(layer) + ".mlp.", c.mlpHiddenSize, c.dModel, layer);
    }
    table.push_back({"model.norm.weight", {d}, -1, true});
    if (!c.weightTying)
        table.push_back({"lm_head.weight", {rows, d}, -1, false});
    return table;
}

} // namespace dlm
