#include "core/sampling/candidates.h"

#include "core/base/counter_rng.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <limits>

namespace dlm {

namespace {

// Uniforms in (0, 1) for every (row, token), drawn from the counter RNG so the result depends on the seed,
// the step and the position only, not on threads or on which other positions were eligible.
at::Tensor counterUniforms(const std::vector<int32_t> &positions, int64_t vocab, uint64_t seed, int step)
{
    at::Tensor u = at::empty({static_cast<int64_t>(positions.size()), vocab}, at::kDouble);
    double *data = u.data_ptr<double>();
    at::parallel_for(0, static_cast<int64_t>(positions.size()), 1, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            const uint64_t key = counterRowKey(seed, RngStream::Gumbel, static_cast<uint64_t>(step),
                                               static_cast<uint64_t>(positions[static_cast<size_t>(r)]));
            double *row = data + r * vocab;
            for (int64_t v = 0; v < vocab; ++v)
                row[v] = counterUniformAt(key, static_cast<uint64_t>(v));
        }
    });
    return u;
}

std::vector<int32_t> toInt32(const at::Tensor &t)
{
    at::Tensor c = t.to(at::kInt).contiguous();
    const int32_t *p = c.data_ptr<int32_t>();
    return std::vector<int32_t>(p, p + c.numel());
}

std::vector<float> toFloat(const at::Tensor &t)
{
    at::Tensor c = t.to(at::kFloat).contiguous();
    const float *p = c.data_ptr<float>();
    return std::vector<float>(p, p + c.numel());
}

} // namespace

ScoredRows scoreRows(const at::Tensor &logits, const std::vector<int32_t> &positions, ConfidenceMeasure measure,
                     double temperature, uint64_t seed, int denoiseStep, int64_t excludedId,
                     const at::Tensor *uniforms)
{
    ScoredRows out;
    const int64_t rows = logits.size(0);
    if (rows == 0)
        return out;
    const at::Tensor lf = logits.to(at::kFloat).contiguous();

    const bool exclude = excludedId >= 0 && excludedId < lf.size(1);
    at::Tensor candidates;
    if (temperature == 0.0) {
        at::Tensor scores = exclude ? lf.clone() : lf;
        if (exclude)
            scores.select(1, excludedId).fill_(-std::numeric_limits<float>::infinity());
        candidates = scores.argmax(-1);
    } else {
        // LLaDA's add_gumbel_noise, literally: exp(logits) / (-log u)^T in float64.
        const at::Tensor u = uniforms ? *uniforms : counterUniforms(positions, lf.size(1), seed, denoiseStep);
        at::Tensor noisy = lf.to(at::kDouble).exp() / (-u.log()).pow(temperature);
        if (exclude)
            noisy.select(1, excludedId).fill_(-1.0); // below every real score, which are all >= 0
        candidates = noisy.argmax(-1);
    }
    out.candidates = toInt32(candidates);
    out.probs = at::softmax(lf, -1);

    at::Tensor conf;
    switch (measure) {
    case ConfidenceMeasure::LowConfidence:
        conf = out.probs.gather(1, candidates.unsqueeze(1)).squeeze(1);
        break;
    case ConfidenceMeasure::Random: {
        out.confidence.resize(static_cast<size_t>(rows));
        for (int64_t r = 0; r < rows; ++r)
            out.confidence[static_cast<size_t>(r)] = static_cast<float>(
                counterUniform(seed, RngStream::RandomConfidence, static_cast<uint64_t>(denoiseStep),
                               static_cast<uint64_t>(positions[static_cast<size_t>(r)]), 0));
        return out;
    }
    case ConfidenceMeasure::Margin: {
        const at::Tensor top2 = std::get<0>(out.probs.topk(std::min<int64_t>(2, lf.size(1)), -1));
        conf = top2.size(1) > 1 ? top2.select(1, 0) - top2.select(1, 1) : top2.select(1, 0);
        break;
    }
    case ConfidenceMeasure::Entropy: {
        const at::Tensor logp = at::log_softmax(lf, -1);
        conf = (out.probs * logp).sum(-1); // minus the entropy: higher means surer
        break;
    }
    }
    out.confidence = toFloat(conf);
    return out;
}

RowDetails describeRows(const at::Tensor &probs, const std::vector<int32_t> &candidates, int topK)
{
    RowDetails d;
    const int64_t rows = probs.defined() ? probs.size(0) : 0;
    if (rows == 0)
        return d;
    const int64_t vocab = probs.size(1);
    const at::Tensor cand = at::tensor(std::vector<int64_t>(candidates.begin(), candidates.end()), at::kLong);
    d.probability = toFloat(probs.gather(1, cand.unsqueeze(1)).squeeze(1));

    const int64_t k = std::min<int64_t>(std::max(topK, 2), vocab);
    auto [topP, topI] = probs.topk(k, -1);
    if (k >= 2)
        d.margin = toFloat(topP.select(1, 0) - topP.select(1, 1));
    else
        d.margin = toFloat(topP.select(1, 0));
    const at::Tensor plogp = at::where(probs > 0, probs * probs.log(), at::zeros_like(probs));
    d.entropy = toFloat(-plogp.sum(-1));

    const int64_t keep = std::min<int64_t>(topK, k);
    if (keep > 0) {
        d.topIds = toInt32(topI.narrow(1, 0, keep));
        d.topProbs = toFloat(topP.narrow(1, 0, keep));
        if (keep < topK) { // vocabulary smaller than k: pad rows
            std::vector<int32_t> ids(static_cast<size_t>(rows * topK), -1);
            std::vector<float> ps(static_cast<size_t>(rows * topK), 0.0f);
            for (int64_t r = 0; r < rows; ++r)
                for (int64_t j = 0; j < keep; ++j) {
                    ids[static_cast<size_t>(r * topK + j)] = d.topIds[static_cast<size_t>(r * keep + j)];
                    ps[static_cast<size_t>(r * topK + j)] = d.topProbs[static_cast<size_t>(r * keep + j)];
                }
            d.topIds = std::move(ids);
            d.topProbs = std::move(ps);
        }
    }
    return d;
}

at::Tensor mixGuidance(const at::Tensor &conditional, const at::Tensor &unconditional, double scale)
{
    return unconditional + (scale + 1.0) * (conditional - unconditional);
}

} // namespace dlm
