#include "core/session/step_building.h"

#include <limits>

namespace dlm {

// The new canvas: last step's "this step" states age into plain ones, then the decision's commits and remasks.
void applyDecision(
    StepRecord &rec, const StepRecord &cur, CommitDecision decision, std::vector<int32_t> candidates, int32_t mask)
{
    rec.tokens = cur.tokens;
    rec.flags = cur.flags;
    rec.states = cur.states;
    for (auto &s : rec.states) {
        if (s == PositionState::CommittedThisStep)
            s = PositionState::Committed;
        else if (s == PositionState::Remasked)
            s = PositionState::Masked;
    }
    for (int32_t p : decision.commit) {
        rec.tokens[static_cast<size_t>(p)] = candidates[static_cast<size_t>(p)];
        rec.states[static_cast<size_t>(p)] = PositionState::CommittedThisStep;
    }
    for (int32_t p : decision.remask) {
        rec.tokens[static_cast<size_t>(p)] = mask;
        rec.states[static_cast<size_t>(p)] = PositionState::Remasked;
    }
    rec.committed = std::move(decision.commit);
    rec.remasked = std::move(decision.remask);
    rec.candidates = std::move(candidates);
}

// The scored rows' details spread over the canvas; NaN (and no top-k ids) marks a position that was not scored.
void recordRowDetails(
    StepRecord &rec, const RowDetails &details, const std::vector<int32_t> &rows, int length, int topK)
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const size_t k = static_cast<size_t>(topK);
    rec.probability.assign(static_cast<size_t>(length), nan);
    rec.margin.assign(static_cast<size_t>(length), nan);
    rec.entropy.assign(static_cast<size_t>(length), nan);
    rec.topK = topK;
    rec.topIds.assign(static_cast<size_t>(length) * k, -1);
    rec.topProbs.assign(static_cast<size_t>(length) * k, 0.0f);
    for (size_t r = 0; r < rows.size(); ++r) {
        const size_t p = static_cast<size_t>(rows[r]);
        rec.probability[p] = details.probability[r];
        rec.margin[p] = details.margin[r];
        rec.entropy[p] = details.entropy[r];
        for (size_t j = 0; j < k; ++j) {
            rec.topIds[p * k + j] = details.topIds[r * k + j];
            rec.topProbs[p * k + j] = details.topProbs[r * k + j];
        }
    }
}

} // namespace dlm
