#pragma once
// One record's share of TimelineDocument::committedProbabilities(): what its commits, remasks and edits
// change in the per-position probabilities. A caller walking records in order (an animation export) keeps
// them up to date one record at a time instead of replaying the branch from its start for every record.

#include "core/timeline/step_record.h"

#include <vector>

namespace dlm {

/** Applies `record` to `p` (one value per position of the record's canvas). */
void applyCommittedProbabilities(const StepRecord &record, std::vector<float> &p);

} // namespace dlm
