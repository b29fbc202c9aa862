#include "core/sampling/remask_strategy.h"

#include <algorithm>

namespace dlm {

std::vector<int32_t> rankByConfidence(const std::vector<float> &confidence, const std::vector<uint8_t> &eligible)
{
    std::vector<int32_t> order;
    for (size_t i = 0; i < eligible.size(); ++i) {
        if (eligible[i])
            order.push_back(static_cast<int32_t>(i));
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](int32_t a, int32_t b) { return confidence[static_cast<size_t>(a)] > confidence[static_cast<size_t>(b)]; });
    return order;
}

namespace {

// Splits the ranked list into commit (first n) and remask (the rest), skipping locked positions.
CommitDecision splitRanked(const std::vector<int32_t> &ranked, size_t n, const std::vector<uint8_t> *locked)
{
    CommitDecision d;
    for (int32_t pos : ranked) {
        if (locked && (*locked)[static_cast<size_t>(pos)])
            continue;
        if (d.commit.size() < n)
            d.commit.push_back(pos);
        else
            d.remask.push_back(pos);
    }
    std::sort(d.remask.begin(), d.remask.end());
    return d;
}

} // namespace

CommitDecision QuotaStrategy::decide(const StrategyInput &in) const
{
    const auto ranked = rankByConfidence(*in.confidence, *in.eligible);
    return splitRanked(ranked, static_cast<size_t>(std::max(0, in.quota)), in.locked);
}

CommitDecision ThresholdStrategy::decide(const StrategyInput &in) const
{
    const auto ranked = rankByConfidence(*in.confidence, *in.eligible);
    size_t n = 0;
    for (int32_t pos : ranked) {
        if (n == 0 || (*in.confidence)[static_cast<size_t>(pos)] >= in.threshold)
            ++n;
        else
            break;
    }
    return splitRanked(ranked, n, in.locked);
}

} // namespace dlm
