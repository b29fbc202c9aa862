#include "core/sampling/dream_sampler.h"

#include "core/base/counter_rng.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace dlm {

namespace {

std::vector<float> toFloats(const at::Tensor &t)
{
    const at::Tensor c = t.to(at::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Categorical(probs).sample() with counter noise: the exponential race argmax_v p_v / (-log u_v) picks v with
// probability p_v / sum(p), and a zero probability (filtered out) is never picked.
std::vector<int32_t> sampleCategorical(
    const at::Tensor &probs, const std::vector<int32_t> &positions, uint64_t seed, int noiseStep)
{
    const at::Tensor p = probs.contiguous();
    const int64_t rows = p.size(0), vocab = p.size(1);
    std::vector<int32_t> out(static_cast<size_t>(rows), 0);
    at::parallel_for(0, rows, 1, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            const uint64_t key = counterRowKey(seed, RngStream::DreamToken, static_cast<uint64_t>(noiseStep),
                static_cast<uint64_t>(positions[static_cast<size_t>(r)]));
            const float *row = p.data_ptr<float>() + r * vocab;
            double best = -1.0;
            for (int64_t v = 0; v < vocab; ++v) {
                const double score = double(row[v]) / -std::log(counterUniformAt(key, static_cast<uint64_t>(v)));
                if (score > best) {
                    best = score;
                    out[static_cast<size_t>(r)] = static_cast<int32_t>(v);
                }
            }
        }
    });
    return out;
}

// sample_tokens: candidates and Dream's confidence from the filtered distribution.
void sampleTokens(const at::Tensor &logits, const std::vector<int32_t> &positions, const GenerationSettings &set,
    int noiseStep, DreamRows *out)
{
    const at::Tensor probs = at::softmax(dreamFilteredLogits(logits, set.temperature, set.topP, set.sampleTopK), -1);
    at::Tensor x0, confidence;
    if (set.temperature > 0) {
        out->candidates = sampleCategorical(probs, positions, set.seed, noiseStep);
        x0 = at::tensor(std::vector<int64_t>(out->candidates.begin(), out->candidates.end()), at::kLong);
        confidence = probs.gather(1, x0.unsqueeze(1)).squeeze(1);
    } else {
        auto [maxP, maxI] = probs.max(-1);
        confidence = maxP;
        const at::Tensor ids = maxI.to(at::kInt).contiguous();
        out->candidates.assign(ids.data_ptr<int32_t>(), ids.data_ptr<int32_t>() + ids.numel());
    }
    if (set.alg == DreamAlg::TopkMargin && probs.size(1) >= 2) {
        const at::Tensor sorted = std::get<0>(probs.sort(-1, /*descending=*/true));
        confidence = sorted.select(1, 0) - sorted.select(1, 1);
    } else if (set.alg == DreamAlg::Entropy) {
        confidence = (probs * at::log(probs + 1e-10)).sum(-1);
    }
    out->confidence = toFloats(confidence);
}

// origin: every row independently with probability 1 - s/t (all rows on the last step), in canvas order.
std::vector<int32_t> originReveals(
    const std::vector<int32_t> &positions, const DreamStepPlan &plan, uint64_t seed, int noiseStep)
{
    std::vector<int32_t> rows;
    for (size_t r = 0; r < positions.size(); ++r) {
        const double u = counterUniform(
            seed, RngStream::DreamReveal, static_cast<uint64_t>(noiseStep), static_cast<uint64_t>(positions[r]), 0);
        if (plan.last || u < double(plan.revealP))
            rows.push_back(static_cast<int32_t>(r));
    }
    return rows;
}

// alg_temp > 0: torch.multinomial(softmax(confidence / alg_temp), k) without replacement, as Gumbel-top-k:
// the k largest log w + Gumbel keys are distributed as k sequential draws without replacement.
std::vector<int32_t> sampledSelection(const std::vector<float> &confidence, const std::vector<int32_t> &positions,
    const GenerationSettings &set, int count, int noiseStep)
{
    const at::Tensor conf = at::tensor(confidence, at::kFloat);
    const std::vector<float> weight = toFloats(at::softmax(conf / set.algTemp, -1));
    std::vector<double> key(weight.size());
    for (size_t r = 0; r < weight.size(); ++r) {
        const double u = counterUniform(
            set.seed, RngStream::DreamSelect, static_cast<uint64_t>(noiseStep), static_cast<uint64_t>(positions[r]), 0);
        key[r] = weight[r] > 0 ? std::log(double(weight[r])) - std::log(-std::log(u))
                               : -std::numeric_limits<double>::infinity();
    }
    std::vector<int32_t> order(weight.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return key[a] > key[b]; });
    order.resize(static_cast<size_t>(count));
    return order;
}

// alg_temp 0: torch.topk(full_confidence, k); ties (which torch leaves unspecified) go to the lower position.
std::vector<int32_t> topConfidences(const std::vector<float> &confidence, int count)
{
    std::vector<int32_t> order(confidence.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return confidence[a] > confidence[b]; });
    order.resize(static_cast<size_t>(count));
    return order;
}

} // namespace

at::Tensor dreamFilteredLogits(const at::Tensor &logits, double temperature, double topP, int topK)
{
    at::Tensor x = logits.to(at::kFloat);
    const float lowest = std::numeric_limits<float>::lowest(); // torch.finfo(float32).min
    if (temperature > 0)
        x = x / temperature;
    if (topP < 1) { // top_p_logits: keep the smallest prefix whose mass exceeds top_p, and at least one token
        auto [sortedLogits, sortedIdx] = x.sort(-1, /*descending=*/true);
        at::Tensor remove = at::softmax(sortedLogits, -1).cumsum(-1) > topP;
        const int64_t vocab = remove.size(-1);
        if (vocab > 1)
            remove.narrow(-1, 1, vocab - 1).copy_(remove.narrow(-1, 0, vocab - 1).clone());
        remove.select(-1, 0).fill_(false);
        const at::Tensor mask = at::zeros_like(x, x.options().dtype(at::kBool)).scatter_(-1, sortedIdx, remove);
        x = x.masked_fill(mask, lowest);
    }
    if (topK > 0) { // top_k_logits: drop everything below the k-th largest (ties with it stay)
        const int64_t k = std::min<int64_t>(topK, x.size(-1));
        const at::Tensor kth = std::get<0>(x.topk(k, -1)).select(-1, k - 1).unsqueeze(-1);
        x = x.masked_fill(x < kth, lowest);
    }
    return x;
}

DreamRows dreamStep(const at::Tensor &logits, const std::vector<int32_t> &positions, const GenerationSettings &settings,
    const DreamStepPlan &plan, int noiseStep)
{
    DreamRows out;
    if (logits.size(0) == 0)
        return out;
    const at::Tensor lf = logits.to(at::kFloat).contiguous();
    sampleTokens(lf, positions, settings, noiseStep, &out);
    if (settings.alg == DreamAlg::Origin) {
        out.transfer = originReveals(positions, plan, settings.seed, noiseStep);
        return out;
    }
    const int count = std::min<int>(plan.transferCount, static_cast<int>(positions.size()));
    if (count <= 0)
        return out;
    out.transfer = settings.algTemp > 0 ? sampledSelection(out.confidence, positions, settings, count, noiseStep)
                                        : topConfidences(out.confidence, count);
    return out;
}

} // namespace dlm
