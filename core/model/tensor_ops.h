#pragma once
// The tensor pieces every family's forward pass shares: weights from mapped safetensors, RMSNorm computed in
// fp32, NeoX ("rotate half") rotary embeddings, bidirectional grouped-KV attention. One definition, so LLaDA,
// Dream and LLaDA-MoE cannot drift apart. Include only from .cpp files: it pulls in ATen.

#include "core/model/safetensors.h"
#include "core/sampling/generation_settings.h"

#include <ATen/core/Tensor.h>

namespace dlm {

at::ScalarType computeScalarType(ComputeDType d);
at::ScalarType storageScalarType(TensorDType d);
/** A tensor over the mapped bytes when dtype and alignment allow (no copy), else a converted copy. */
at::Tensor tensorFromView(const TensorView &view, at::ScalarType target);

/** weight * x / rms(x) over the last dimension; the norm in fp32 whatever the model dtype (LLaDA, Qwen2). */
at::Tensor rmsNorm(const at::Tensor &x, const at::Tensor &weight, double eps);
/** Rotary inverse frequencies theta^(-2i/d), fp32 [headDim / 2]. */
at::Tensor rotaryInverseFrequencies(int headDim, double theta);
/** cos and sin tables [1, 1, length, headDim] (frequencies repeated for both halves), fp32. */
std::pair<at::Tensor, at::Tensor> rotaryTables(int64_t length, const at::Tensor &invFreq);
/** x * cos + rotate_half(x) * sin, in fp32, back to x's dtype. */
at::Tensor applyRotary(const at::Tensor &x, const at::Tensor &cos, const at::Tensor &sin);
/**
 * Bidirectional attention (no causal mask): q [B, H, L, hd], k and v [B, KV, L, hd] with H a multiple of KV
 * (each KV head serves H / KV consecutive query heads). Returns [B, L, H * hd].
 */
at::Tensor bidirectionalAttention(const at::Tensor &q, const at::Tensor &k, const at::Tensor &v);
/** down(silu(gate(x)) * up(x)): the SwiGLU MLP of every family. */
at::Tensor swiGlu(const at::Tensor &x, const at::Tensor &gate, const at::Tensor &up, const at::Tensor &down);

} // namespace dlm
