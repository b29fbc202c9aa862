#pragma once
// Helpers the text exporters share (CSV, Markdown/LaTeX tables, HTML player): checking which branch and
// records were asked for, reading a record without trusting its array sizes, and spelling numbers the same
// way in every format (pieces are spelled by core/text/piece_text.h, as in the app).

#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <string>
#include <vector>

namespace dlm {

/** A branch id that means "every branch" where an exporter supports that. */
inline constexpr int kAllBranches = -1;

/**
 * Checks a selection against the timeline: `branch` exists (or is kAllBranches) and every index in
 * `records` is a record of it (with kAllBranches: of some branch). The message names the value and the
 * valid range, e.g. "step 12 is out of range: branch 0 has records 0..8".
 */
Status checkExportSelection(const Timeline &timeline, int branch, const std::vector<int> &records);

/** `records` when given, else every record index of `branch`, in order. */
std::vector<int> exportRecordIndices(const Branch &branch, const std::vector<int> &records);

/** Shortest decimal that reads back as the same float ("0.1", "1e-45"); "inf"/"-inf"; empty for NaN. */
std::string exportNumber(float value);
/** The same for doubles (settings such as the temperature). */
std::string exportNumber(double value);

// Per-position reads that tolerate arrays shorter than the canvas: a timeline built in memory is not
// validated the way a loaded file is, and an export must never read out of bounds.
PositionState stateAt(const StepRecord &record, int pos);
bool lockedAt(const StepRecord &record, int pos);
int32_t candidateAt(const StepRecord &record, int pos);
float valueAt(const std::vector<float> &values, int pos);

/** A masked position (never considered, or sent back this step): shown as a mask in every export. */
inline bool isMaskState(PositionState s)
{
    return s == PositionState::Masked || s == PositionState::Remasked;
}

} // namespace dlm
