#include "core/model/matmul_probe.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace dlm {

namespace {

/** One product shape of the forward pass and how many times a forward runs it. */
struct ProductShape
{
    int64_t in, out;
    double timesPerForward;
};

std::vector<ProductShape> productShapes(const ModelConfig &c)
{
    const int64_t d = c.dModel, kv = int64_t(c.nKvHeads > 0 ? c.nKvHeads : c.nHeads) * c.headDim();
    const double layers = c.nLayers;
    const int64_t rows = c.embeddingSize > 0 ? c.embeddingSize : c.vocabSize;
    return {
        {d, d, 2 * layers}, // q_proj, attn_out
        {d, kv, 2 * layers}, // k_proj, v_proj
        {d, c.mlpHiddenSize, 2 * layers}, // ff_proj, up_proj
        {c.mlpHiddenSize, d, layers}, // ff_out
        {d, rows, 1}, // the head
    };
}

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

/** Gflop/s of one product shape; the weight's columns are capped and the rate is per flop, so capping is fair. */
double timeProduct(const ProductShape &shape, int tokens, at::ScalarType dtype, double budgetMs)
{
    const int64_t cap = std::max<int64_t>(1, (100ll << 20) / (shape.in * at::elementSize(dtype)));
    const int64_t out = std::min(shape.out, cap);
    const at::Tensor x = at::randn({tokens, shape.in}).to(dtype);
    const at::Tensor w = (at::randn({out, shape.in}) * 0.02).to(dtype);
    at::Tensor y = at::matmul(x, w.t()); // warm-up: first calls allocate and start thread pools
    const double flops = 2.0 * tokens * double(shape.in) * double(out);
    int runs = 0;
    const auto t0 = std::chrono::steady_clock::now();
    do {
        y = at::matmul(x, w.t());
        ++runs;
    } while (msSince(t0) < budgetMs && runs < 1000);
    return flops * runs / (msSince(t0) * 1e6);
}

double weightedThroughput(const ModelConfig &config, int tokens, at::ScalarType dtype, double budgetMs)
{
    const std::vector<ProductShape> shapes = productShapes(config);
    double totalFlops = 0, totalSeconds = 0;
    for (const ProductShape &s : shapes) {
        const double flops = 2.0 * tokens * double(s.in) * double(s.out) * s.timesPerForward;
        const double gflops = timeProduct(s, tokens, dtype, budgetMs / double(shapes.size()));
        totalFlops += flops;
        totalSeconds += flops / (gflops * 1e9);
    }
    return totalSeconds > 0 ? totalFlops / totalSeconds / 1e9 : 0.0;
}

} // namespace

double lladaForwardFlops(const ModelConfig &config, int tokens)
{
    double flops = 0;
    for (const ProductShape &s : productShapes(config))
        flops += 2.0 * tokens * double(s.in) * double(s.out) * s.timesPerForward;
    // Scores (Q K^T) and the weighted sum (P V): each 2 T^2 d per layer.
    flops += 4.0 * double(tokens) * tokens * config.dModel * config.nLayers;
    return flops;
}

MatmulThroughput measureMatmulThroughput(const ModelConfig &config, int tokens, double budgetMs)
{
    MatmulThroughput t;
    t.f32Gflops = weightedThroughput(config, tokens, at::kFloat, budgetMs);
    t.bf16Gflops = weightedThroughput(config, tokens, at::kBFloat16, budgetMs);
    return t;
}

} // namespace dlm
