#include "core/timeline/timeline_diff.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace dlm {

namespace {

const StepRecord &recordOf(const Branch &b, int index)
{
    const int i = index < 0 ? b.size() - 1 : index;
    if (i < 0 || i >= b.size())
        throw std::out_of_range("record " + std::to_string(index) + " is not on branch " + std::to_string(b.id));
    return b.at(i);
}

template<typename T> std::string text(const T &v)
{
    std::ostringstream out;
    out << v;
    return out.str();
}

} // namespace

Divergence firstDivergence(const Branch &a, const Branch &b)
{
    Divergence d;
    const int common = std::min(a.size(), b.size());
    for (int i = 0; i < common; ++i) {
        // Shared records are the same object: no need to look inside.
        if (a.records[static_cast<size_t>(i)] == b.records[static_cast<size_t>(i)])
            continue;
        const StepRecord &x = a.at(i);
        const StepRecord &y = b.at(i);
        const int n = std::max(x.length(), y.length());
        for (int p = 0; p < n; ++p) {
            const int32_t tx = p < x.length() ? x.tokens[static_cast<size_t>(p)] : -1;
            const int32_t ty = p < y.length() ? y.tokens[static_cast<size_t>(p)] : -1;
            if (tx != ty) {
                d.found = true;
                d.record = i;
                d.denoiseStep = x.denoiseStep;
                d.position = p;
                return d;
            }
        }
    }
    return d;
}

std::vector<std::string> settingsDifferences(const GenerationSettings &a, const GenerationSettings &b)
{
    std::vector<std::string> out;
    auto note = [&](const char *name, const auto &x, const auto &y) {
        if (x != y)
            out.push_back(std::string(name) + ": " + text(x) + " vs " + text(y));
    };
    note("gen length", a.genLength, b.genLength);
    note("steps", a.steps, b.steps);
    note("block length", a.blockLength, b.blockLength);
    note("temperature", a.temperature, b.temperature);
    note("remasking", std::string(measureName(a.measure)), std::string(measureName(b.measure)));
    note("threshold decoding", a.useThreshold ? "on" : "off", b.useThreshold ? "on" : "off");
    if (a.useThreshold || b.useThreshold)
        note("threshold", a.threshold, b.threshold);
    note("CFG scale", a.cfgScale, b.cfgScale);
    note("seed", a.seed, b.seed);
    note("top-k", a.topK, b.topK);
    note("compute type", std::string(dtypeName(a.dtype)), std::string(dtypeName(b.dtype)));
    note("later blocks", std::string(laterBlocksName(a.laterBlocks)), std::string(laterBlocksName(b.laterBlocks)));
    return out;
}

TimelineDiff diffBranches(const Timeline &timeline, int branchA, int branchB, int indexA, int indexB)
{
    if (branchA < 0 || branchA >= timeline.branchCount() || branchB < 0 || branchB >= timeline.branchCount())
        throw std::out_of_range("no such branch to compare");
    const Branch &a = timeline.branch(branchA);
    const Branch &b = timeline.branch(branchB);
    const StepRecord &x = recordOf(a, indexA);
    const StepRecord &y = recordOf(b, indexB);

    TimelineDiff d;
    d.branchA = branchA;
    d.branchB = branchB;
    d.indexA = indexA < 0 ? a.size() - 1 : indexA;
    d.indexB = indexB < 0 ? b.size() - 1 : indexB;
    const int n = std::max(x.length(), y.length());
    d.positions.reserve(static_cast<size_t>(n));
    for (int p = 0; p < n; ++p) {
        PositionDiff pd;
        pd.position = p;
        if (p < x.length()) {
            pd.tokenA = x.tokens[static_cast<size_t>(p)];
            pd.stateA = x.states[static_cast<size_t>(p)];
        }
        if (p < y.length()) {
            pd.tokenB = y.tokens[static_cast<size_t>(p)];
            pd.stateB = y.states[static_cast<size_t>(p)];
        }
        pd.differs = pd.tokenA != pd.tokenB;
        if (pd.differs)
            d.differing.push_back(p);
        d.positions.push_back(pd);
    }
    d.divergence = firstDivergence(a, b);
    d.settingsDifferences = settingsDifferences(timeline.settingsFor(branchA), timeline.settingsFor(branchB));
    return d;
}

RunSeries runSeries(const Branch &branch, int32_t maskId)
{
    RunSeries s;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const auto &ptr : branch.records) {
        const StepRecord &r = *ptr;
        s.masked.push_back(static_cast<double>(r.maskedCount(maskId)));
        s.committed.push_back(static_cast<double>(r.committed.size()));
        double sum = 0.0;
        int known = 0;
        for (int32_t p : r.committed) {
            if (p >= 0 && static_cast<size_t>(p) < r.probability.size()
                && !std::isnan(r.probability[static_cast<size_t>(p)])) {
                sum += r.probability[static_cast<size_t>(p)];
                ++known;
            }
        }
        s.meanConfidence.push_back(known > 0 ? sum / known : nan);
    }
    return s;
}

} // namespace dlm
