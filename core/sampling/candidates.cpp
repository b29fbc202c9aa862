#include "core/sampling/candidates.h"

#include "core/base/counter_rng.h"
#include "core/sampling/row_scoring.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>

namespace dlm {

namespace {

// A thread's scratch lives as long as the thread: nothing is allocated per row or per step once it has grown.
RowScratch &threadScratch()
{
    thread_local RowScratch scratch;
    return scratch;
}

/**
 * Calls fn(row, scratch) for every row, rows handed out to LibTorch's threads in contiguous ranges. A row is
 * always computed whole by one thread, so its bits do not depend on how many there are; a step of fewer than
 * ~64k logits stays on the calling thread, where a fork would cost more than it saves.
 */
template<typename Fn> void forEachRow(int64_t rows, int64_t vocab, const Fn &fn)
{
    const int64_t grain = std::max<int64_t>(1, (int64_t(1) << 16) / std::max<int64_t>(vocab, 1));
    at::parallel_for(0, rows, grain, [&](int64_t begin, int64_t end) {
        RowScratch &scratch = threadScratch();
        for (int64_t r = begin; r < end; ++r)
            fn(r, scratch);
    });
}

void sizeDetails(RowDetails &d, int64_t rows, int topK)
{
    const size_t n = static_cast<size_t>(rows), k = static_cast<size_t>(std::max(topK, 0));
    d.probability.resize(n);
    d.margin.resize(n);
    d.entropy.resize(n);
    d.topIds.resize(n * k);
    d.topProbs.resize(n * k);
}

/** One row's results into row r of `d`. */
RowResult resultInto(RowDetails &d, int64_t r, int topK)
{
    RowResult res;
    res.topIds = d.topIds.data() + r * topK;
    res.topProbs = d.topProbs.data() + r * topK;
    return res;
}

void keepDetails(RowDetails &d, int64_t r, const RowResult &res)
{
    d.probability[static_cast<size_t>(r)] = res.probability;
    d.margin[static_cast<size_t>(r)] = res.margin;
    d.entropy[static_cast<size_t>(r)] = res.entropy;
}

} // namespace

ScoredRows scoreRows(const at::Tensor &logits, const std::vector<int32_t> &positions, ConfidenceMeasure measure,
    double temperature, uint64_t seed, int denoiseStep, int64_t excludedId, int topK, const at::Tensor *uniforms)
{
    ScoredRows out;
    const int64_t rows = logits.size(0);
    if (rows == 0)
        return out;
    topK = std::max(topK, 0);
    const at::Tensor lf = logits.to(at::kFloat).contiguous();
    const int64_t vocab = lf.size(1);
    const float *data = lf.data_ptr<float>();
    at::Tensor given;
    if (uniforms)
        given = uniforms->to(at::kDouble).contiguous();
    const double *givenData = given.defined() ? given.data_ptr<double>() : nullptr;

    out.candidates.resize(static_cast<size_t>(rows));
    out.confidence.resize(static_cast<size_t>(rows));
    sizeDetails(out.details, rows, topK);
    forEachRow(rows, vocab, [&](int64_t r, RowScratch &scratch) {
        const uint64_t position = static_cast<uint64_t>(positions[static_cast<size_t>(r)]);
        RowDraw draw;
        draw.temperature = temperature;
        draw.excludedId = excludedId;
        if (temperature > 0.0) {
            if (givenData)
                draw.uniforms = givenData + r * vocab;
            else
                draw.rowKey = counterRowKey(seed, RngStream::Gumbel, static_cast<uint64_t>(denoiseStep), position);
        }
        RowResult res = resultInto(out.details, r, topK);
        scoreLogitRow(data + r * vocab, vocab, draw, topK, scratch, res);
        keepDetails(out.details, r, res);
        out.candidates[static_cast<size_t>(r)] = res.candidate;
        float confidence = 0.0f;
        switch (measure) {
        case ConfidenceMeasure::LowConfidence:
            confidence = res.probability;
            break;
        case ConfidenceMeasure::Random:
            confidence = static_cast<float>(
                counterUniform(seed, RngStream::RandomConfidence, static_cast<uint64_t>(denoiseStep), position, 0));
            break;
        case ConfidenceMeasure::Margin:
            confidence = res.margin;
            break;
        case ConfidenceMeasure::Entropy:
            confidence = -res.entropy; // higher means surer
            break;
        }
        out.confidence[static_cast<size_t>(r)] = confidence;
    });
    return out;
}

RowDetails describeLogitRows(const at::Tensor &logits, const std::vector<int32_t> &candidates, int topK)
{
    RowDetails d;
    const int64_t rows = logits.defined() ? logits.size(0) : 0;
    if (rows == 0)
        return d;
    topK = std::max(topK, 0);
    const at::Tensor lf = logits.to(at::kFloat).contiguous();
    const int64_t vocab = lf.size(1);
    const float *data = lf.data_ptr<float>();
    sizeDetails(d, rows, topK);
    forEachRow(rows, vocab, [&](int64_t r, RowScratch &scratch) {
        RowDraw draw;
        draw.given = candidates[static_cast<size_t>(r)];
        RowResult res = resultInto(d, r, topK);
        scoreLogitRow(data + r * vocab, vocab, draw, topK, scratch, res);
        keepDetails(d, r, res);
    });
    return d;
}

at::Tensor mixGuidance(const at::Tensor &conditional, const at::Tensor &unconditional, double scale)
{
    // One [rows, vocab] tensor instead of three temporaries; the same operations in the same order, so the same bits.
    at::Tensor mixed = conditional - unconditional;
    mixed.mul_(scale + 1.0).add_(unconditional);
    return mixed;
}

} // namespace dlm
