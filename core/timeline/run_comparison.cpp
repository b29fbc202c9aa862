#include "core/timeline/run_comparison.h"

#include <algorithm>

namespace dlm {

namespace {

std::vector<const StepRecord *> denoiseRecords(const std::vector<std::shared_ptr<const StepRecord>> &records)
{
    std::vector<const StepRecord *> out;
    for (const auto &r : records)
        if (r->kind == RecordKind::Denoise)
            out.push_back(r.get());
    return out;
}

int firstDifference(const StepRecord &a, const StepRecord &b)
{
    const size_t n = std::min(a.tokens.size(), b.tokens.size());
    for (size_t p = 0; p < n; ++p)
        if (a.tokens[p] != b.tokens[p])
            return int(p);
    return a.tokens.size() == b.tokens.size() ? -1 : int(n);
}

} // namespace

RunComparison compareRuns(
    const std::vector<std::shared_ptr<const StepRecord>> &a, const std::vector<std::shared_ptr<const StepRecord>> &b)
{
    RunComparison c;
    const std::vector<const StepRecord *> da = denoiseRecords(a), db = denoiseRecords(b);
    c.comparedSteps = int(std::min(da.size(), db.size()));
    for (int s = 0; s < c.comparedSteps && c.firstDifferentStep < 0; ++s) {
        const int p = firstDifference(*da[size_t(s)], *db[size_t(s)]);
        if (p >= 0) {
            c.firstDifferentStep = da[size_t(s)]->denoiseStep;
            c.firstDifferentPosition = p;
        }
    }
    if (a.empty() || b.empty())
        return c;
    const StepRecord &lastA = *a.back(), &lastB = *b.back();
    for (size_t p = 0; p < std::min(lastA.tokens.size(), lastB.tokens.size()); ++p)
        if (lastA.tokens[p] != lastB.tokens[p])
            c.differingPositions.push_back(int32_t(p));
    // Runs of different lengths part at the first step whose counterpart the other lacks.
    if (c.firstDifferentStep < 0 && da.size() != db.size())
        c.firstDifferentStep = c.comparedSteps + 1;
    return c;
}

} // namespace dlm
