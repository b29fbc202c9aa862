#include "ui/figures/committed_probabilities.h"

#include <limits>

namespace dlm {

void applyCommittedProbabilities(const StepRecord &r, std::vector<float> &p)
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (int32_t pos : r.committed) {
        const size_t at = static_cast<size_t>(pos);
        p[at] = at < r.probability.size() ? r.probability[at] : nan;
    }
    for (int32_t pos : r.remasked)
        p[static_cast<size_t>(pos)] = nan;
    if (r.kind == RecordKind::Edit) {
        for (int32_t pos : r.edit.positions) {
            if (r.edit.type == EditInfo::Type::SetTokens || r.edit.type == EditInfo::Type::Remask)
                p[static_cast<size_t>(pos)] = nan;
        }
    }
}

} // namespace dlm

namespace dlm {

std::vector<float> committedProbabilities(const Branch &branch, int index)
{
    if (index < 0 || index >= branch.size())
        return {};
    const StepRecord &target = branch.at(index);
    std::vector<float> p(static_cast<size_t>(target.length()), std::numeric_limits<float>::quiet_NaN());
    // Replaying the commits and edits up to `index` is linear in what happened, a few thousand entries even
    // for long runs, so it is cheaper than keeping a per-record copy.
    for (int i = 0; i <= index; ++i) {
        const StepRecord &r = branch.at(i);
        if (r.length() == target.length())
            applyCommittedProbabilities(r, p);
    }
    return p;
}

} // namespace dlm
