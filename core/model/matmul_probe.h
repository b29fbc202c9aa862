#pragma once
// How fast this machine multiplies matrices of a model's shapes, so a benchmark can say what share of the
// machine's matmul speed the forward pass reaches (the "forward at >= 70% of bf16 matmul throughput").
// Torch-free header; the measurement lives in matmul_probe.cpp.

#include "core/model/model_config.h"

namespace dlm {

/** Floating-point operations of one full-canvas forward pass of a LLaDA-shaped model over `tokens` positions:
 *  the projections, the MLP, the head, and attention's two T x T products. */
double lladaForwardFlops(const ModelConfig &config, int tokens);

struct MatmulThroughput
{
    double f32Gflops = 0; ///< weighted by each shape's share of the forward's flops
    double bf16Gflops = 0;
};

/**
 * Times `tokens x in` by `in x out` products for the model's projection, MLP and head shapes (the head's rows
 * capped so the probe stays within ~100 MB per operand) in f32 and bf16, on the current thread settings, and
 * returns the throughput weighted as the forward pass weights them. Takes roughly `budgetMs` per dtype.
 */
MatmulThroughput measureMatmulThroughput(const ModelConfig &config, int tokens, double budgetMs = 1500);

} // namespace dlm
