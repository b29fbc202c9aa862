#pragma once
// Timelines built by hand for the analysis view tests (test_views: heatmap and remasking decisions;
// test_views_inspector: token inspector, run plots, screenshots): no model, so every expected number in the
// tests is computed from the records written here.

#include "core/sampling/schedule.h"
#include "core/timeline/timeline.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace dlm::testing {

inline constexpr int32_t kMask = 0;
inline constexpr int kLength = 10;
inline constexpr int kTopK = 3;

// One prediction at one position: candidate, its confidence (= p, low_confidence), top-k and entropy.
struct Prediction
{
    int position;
    int32_t candidate;
    float confidence;
    std::vector<int32_t> topIds;
    std::vector<float> topProbs;
    float entropy;
};

inline StepRecord denoise(const StepRecord &prev, int step, int block, int quota,
    const std::vector<Prediction> &predictions, const std::vector<int32_t> &commit, const std::vector<int32_t> &remask)
{
    StepRecord r;
    r.kind = RecordKind::Denoise;
    r.denoiseStep = step;
    r.block = block;
    r.tokens = prev.tokens;
    r.states = prev.states;
    r.flags = prev.flags;
    for (auto &s : r.states) {
        if (s == PositionState::CommittedThisStep)
            s = PositionState::Committed;
        else if (s == PositionState::Remasked)
            s = PositionState::Masked;
    }
    const size_t n = prev.tokens.size();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    r.candidates.assign(n, -1);
    r.confidence.assign(n, -std::numeric_limits<float>::infinity());
    r.probability.assign(n, nan);
    r.margin.assign(n, nan);
    r.entropy.assign(n, nan);
    r.topK = kTopK;
    r.topIds.assign(n * kTopK, -1);
    r.topProbs.assign(n * kTopK, 0.0f);
    for (const Prediction &p : predictions) {
        const size_t i = static_cast<size_t>(p.position);
        r.candidates[i] = p.candidate;
        r.confidence[i] = p.confidence;
        r.probability[i] = p.confidence;
        r.entropy[i] = p.entropy;
        for (size_t j = 0; j < p.topIds.size(); ++j) {
            r.topIds[i * kTopK + j] = p.topIds[j];
            r.topProbs[i * kTopK + j] = p.topProbs[j];
        }
    }
    for (int32_t p : commit) {
        r.tokens[static_cast<size_t>(p)] = r.candidates[static_cast<size_t>(p)];
        r.states[static_cast<size_t>(p)] = PositionState::CommittedThisStep;
    }
    for (int32_t p : remask)
        r.states[static_cast<size_t>(p)] = PositionState::Remasked;
    r.quota = quota;
    r.committed = commit;
    r.remasked = remask;
    return r;
}

/**
 * Six records over a 10-position canvas: prompt [10, 11], then 8 masks in two blocks of 4 (a line between
 * positions 5 and 6). Record 3 is an edit that sets position 6. Final canvas: 10 11 20 21 22 24 31 25 26 27.
 */
inline Timeline smallRun()
{
    Timeline t;
    t.settings.genLength = 8;
    t.settings.blockLength = 4;
    t.settings.steps = 4;
    t.settings.topK = kTopK;
    t.model.maskId = kMask;
    t.promptIds = {10, 11};
    for (int32_t id = 10; id <= 45; ++id)
        t.pieces.emplace_back(id, "\xE2\x96\x81w" + std::to_string(id));

    StepRecord initial;
    initial.tokens = {10, 11, kMask, kMask, kMask, kMask, kMask, kMask, kMask, kMask};
    initial.states.assign(kLength, PositionState::Masked);
    initial.states[0] = initial.states[1] = PositionState::Prompt;
    initial.flags.assign(kLength, 0);
    t.start(initial);

    t.append(0,
        denoise(t.branch(0).last(), 1, 0, 2,
            {{2, 20, 0.9f, {20, 40, 41}, {0.9f, 0.05f, 0.01f}, 0.4f},
                {3, 21, 0.3f, {21, 40, 41}, {0.3f, 0.2f, 0.1f}, 1.5f},
                {4, 22, 0.7f, {22, 40, 41}, {0.7f, 0.1f, 0.05f}, 0.9f},
                {5, 23, 0.2f, {23, 42, 43}, {0.2f, 0.15f, 0.1f}, 2.0f}},
            {2, 4}, {3, 5}));
    t.append(0,
        denoise(t.branch(0).last(), 2, 0, 2,
            {{3, 21, 0.6f, {21, 40, 41}, {0.6f, 0.2f, 0.1f}, 1.1f},
                {5, 24, 0.5f, {24, 23, 42}, {0.5f, 0.3f, 0.1f}, 1.3f}},
            {3, 5}, {}));

    const StepRecord &beforeEdit = t.branch(0).last();
    StepRecord edit;
    edit.kind = RecordKind::Edit;
    edit.denoiseStep = beforeEdit.denoiseStep;
    edit.block = 1;
    edit.tokens = beforeEdit.tokens;
    edit.states.assign(kLength, PositionState::Committed);
    edit.states[0] = edit.states[1] = PositionState::Prompt;
    edit.states[7] = edit.states[8] = edit.states[9] = PositionState::Masked;
    edit.flags = beforeEdit.flags;
    edit.tokens[6] = 31;
    edit.states[6] = PositionState::Edited;
    edit.edit.positions = {6};
    edit.edit.tokens = {31};
    t.append(0, edit);

    // Position 7's candidate 25 was sampled from outside the top-k at record 4 (temperature > 0).
    t.append(0,
        denoise(t.branch(0).last(), 3, 1, 2,
            {{7, 25, 0.03f, {43, 44, 45}, {0.5f, 0.3f, 0.1f}, 2.2f},
                {8, 26, 0.8f, {26, 44, 45}, {0.8f, 0.1f, 0.05f}, 0.7f},
                {9, 27, 0.1f, {27, 44, 45}, {0.1f, 0.09f, 0.08f}, 2.5f}},
            {8, 9}, {7}));
    t.append(0, denoise(t.branch(0).last(), 4, 1, 1, {{7, 25, 0.6f, {25, 43, 44}, {0.6f, 0.2f, 0.1f}, 1.0f}}, {7}, {}));
    return t;
}

// A longer quota-mode run for looking at: 48 positions in 3 blocks, 24 steps, confidences from a fixed LCG.
inline Timeline largerRun()
{
    Timeline t;
    t.settings.genLength = 48;
    t.settings.blockLength = 16;
    t.settings.steps = 24;
    t.settings.topK = kTopK;
    t.model.maskId = kMask;
    const int promptLength = 6;
    for (int i = 0; i < promptLength; ++i)
        t.promptIds.push_back(100 + i);
    for (int32_t id = 100; id < 200; ++id)
        t.pieces.emplace_back(id, "\xE2\x96\x81t" + std::to_string(id));
    const int length = promptLength + t.settings.genLength;
    StepRecord initial;
    initial.tokens = t.promptIds;
    initial.tokens.resize(static_cast<size_t>(length), kMask);
    initial.states.assign(static_cast<size_t>(length), PositionState::Masked);
    for (int i = 0; i < promptLength; ++i)
        initial.states[static_cast<size_t>(i)] = PositionState::Prompt;
    initial.flags.assign(static_cast<size_t>(length), 0);
    t.start(initial);

    const BlockSchedule schedule(promptLength, t.settings.genLength, t.settings.blockLength, t.settings.steps);
    uint32_t seed = 12345;
    auto uniform = [&seed] {
        seed = seed * 1664525u + 1013904223u;
        return static_cast<float>((seed >> 8) & 0xFFFF) / 65536.0f;
    };
    int step = 0;
    for (int b = 0; b < schedule.blockCount(); ++b) {
        for (int s = 0; s < schedule.stepsForBlock(b); ++s) {
            const StepRecord &prev = t.branch(0).last();
            std::vector<Prediction> preds;
            for (int p = schedule.blockStart(b); p < schedule.blockEnd(b); ++p) {
                if (prev.tokens[static_cast<size_t>(p)] != kMask)
                    continue;
                // Later steps and earlier positions are surer, as in a real left-to-right-ish run.
                const float c = std::min(0.99f, 0.15f + 0.5f * uniform() + 0.04f * static_cast<float>(s));
                const int32_t cand = 100 + (p * 7 + s) % 100;
                const float second = std::min(0.8f * c, 0.5f * (1 - c));
                preds.push_back({p, cand, c, {cand, 150, 151}, {c, second, 0.5f * second}, 3.0f * (1 - c)});
            }
            std::vector<Prediction> order = preds;
            std::sort(order.begin(), order.end(),
                [](const Prediction &a, const Prediction &b) { return a.confidence > b.confidence; });
            const int quota = BlockSchedule::quota(static_cast<int>(preds.size()), schedule.stepsForBlock(b) - s);
            std::vector<int32_t> commit, remask;
            for (size_t i = 0; i < order.size(); ++i)
                (static_cast<int>(i) < quota ? commit : remask).push_back(order[i].position);
            t.append(0, denoise(prev, ++step, b, quota, preds, commit, remask));
        }
    }
    return t;
}

inline bool same(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || std::abs(a - b) < 1e-6;
}

} // namespace dlm::testing
