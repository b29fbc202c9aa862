#include "ui/document/committed_probabilities.h"

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
