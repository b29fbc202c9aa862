#pragma once
// Which experts a mixture-of-experts model used for each position in each layer of one forward pass, with the
// router's weights. Torch-free: the MoE model fills it, the session copies it into the step's record, the
// timeline file stores it and a view can draw it without a model.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dlm {

/** Routing of one forward pass, laid out [layer][position][slot]; dense layers hold id -1 and weight 0. */
struct ExpertRouting
{
    int layers = 0;
    int positions = 0;
    int k = 0; ///< experts chosen per position (num_experts_per_tok)
    std::vector<int16_t> ids; ///< expert ids, best first
    std::vector<float> weights; ///< the router's softmax probability of each chosen expert (not renormalised)

    bool empty() const { return ids.empty(); }
    size_t index(int layer, int position, int slot) const
    {
        return (size_t(layer) * size_t(positions) + size_t(position)) * size_t(k) + size_t(slot);
    }
    bool operator==(const ExpertRouting &o) const
    {
        return layers == o.layers && positions == o.positions && k == o.k && ids == o.ids && weights == o.weights;
    }
};

} // namespace dlm
