#pragma once
// The probability each position's token had when it was committed, per record of a branch: what the canvas
// tints committed chips with. applyCommittedProbabilities() is one record's share (its commits, remasks and
// edits); a caller walking records in order (an animation export) keeps them up to date one record at a time
// instead of replaying the branch from its start for every record.

#include "core/timeline/step_record.h"
#include "core/timeline/timeline.h"

#include <vector>

namespace dlm {

/** Applies `record` to `p` (one value per position of the record's canvas). */
void applyCommittedProbabilities(const StepRecord &record, std::vector<float> &p);

/**
 * For every position of record `index` of `branch`: p(token) at the step that committed the token it holds,
 * NaN where the token came from the prompt or an edit, or the position is masked. Empty for a bad index.
 */
std::vector<float> committedProbabilities(const Branch &branch, int index);

} // namespace dlm
