#pragma once
// Matrix products whose bits depend on the operands' values and shapes only: never on the thread count, the
// machine's load (auto threads change the count from step to step) or on how a BLAS library splits a product
// between threads. OpenBLAS's Haswell and Zen kernels round a row differently depending on where it falls in
// the kernel's tiles, and its threaded split moves those tiles with the thread count; so each product here is
// cut into pieces by a rule that looks at the shapes alone, and every piece is one single-threaded BLAS call.
// Threads only decide who computes which piece. See docs/architecture.md, "Same bits on every thread count".
//
// Tensors that need gradients (training) go through ATen's own ops, which autograd can follow.
// Include only from .cpp files: it pulls in ATen.

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace dlm {

/**
 * torch.nn.functional.linear: x [..., K] times weight [N, K] transposed, plus bias [N] when defined, in x's
 * dtype (float32 or bfloat16). The output features are cut into pieces of a width chosen from N alone.
 */
at::Tensor fixedLinear(const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias = {});

/**
 * a [G, M, K] times b [G, K, N] for each of the G matrices (torch.matmul over a batch): each matrix is one
 * piece. Either operand may be a transposed view of a contiguous tensor (as k.transpose(-2, -1) is).
 */
at::Tensor fixedBatchedMatmul(const at::Tensor &a, const at::Tensor &b);

/**
 * The rows of an output head: `hidden` [batch, n, d] are the hidden states of canvas positions
 * [firstPosition, firstPosition + n) of a canvas of `canvasLength` positions; returns weight · hidden of the
 * canvas positions `rows` (int64 [r], each inside that range) as [batch, r, N]. Rows go through the head in
 * tiles of canvas positions (tile t holds positions [t * kHeadTileRows, (t + 1) * kHeadTileRows), the last one
 * cut at the canvas's end), each tile one call whose shape and row places are fixed by the positions: a row's
 * logits are the same bits whichever other rows are read with it, and whether its neighbours' hidden states
 * were computed (a cached block) or not. Only the tiles that hold a requested row are computed.
 */
at::Tensor fixedHeadRows(const at::Tensor &hidden, int64_t firstPosition, const at::Tensor &rows,
                         const at::Tensor &weight, int64_t canvasLength);

/** Canvas positions per head tile: a call of 64 rows keeps BLAS efficient; at most 63 rows are computed in vain. */
inline constexpr int64_t kHeadTileRows = 64;

} // namespace dlm
