#pragma once
// Keys and values of every layer kept from one forward pass, for Fast-dLLM's prefix and dual caches
// (core/sampling/cache_mode.h). Include only from .cpp files: it pulls in ATen.

#include <ATen/core/Tensor.h>

#include <vector>

namespace dlm {

/** Per layer, the keys (before rotary embedding) and values of the whole canvas: [batch, kv heads, len, head dim]. */
struct KvCache
{
    std::vector<at::Tensor> keys, values;
    bool empty() const { return keys.empty(); }
    void clear()
    {
        keys.clear();
        values.clear();
    }
};

} // namespace dlm
