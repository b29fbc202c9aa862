#pragma once
// What happened to one canvas position along a branch: the commits, edits, remasks and locks, and which
// record last predicted it. The token inspector reads it to explain a position the current record did not
// predict (a committed token, a masked position outside the block). Plain functions over shared records.

#include "ui/engine/engine_types.h"

#include <cstdint>
#include <vector>

namespace dlm {

/** One change of a position, as a record made it. */
struct TokenEvent
{
    enum class Kind { Committed, Edited, Remasked, Locked, Unlocked };
    Kind kind = Kind::Committed;
    int record = 0; ///< index of the record on the branch
    int denoiseStep = 0; ///< that record's denoising step
    int32_t token = -1; ///< the token it received (Committed, Edited)
    float probability = 0.0f; ///< p(candidate) when committed; NaN if the record did not keep it
};

/** Every change of `position` along `records`, oldest first. */
std::vector<TokenEvent> positionHistory(const std::vector<RecordPtr> &records, int position, int32_t maskId);

/**
 * The record (at most `upTo`) that committed the token `position` holds at record `upTo`, or -1 when that
 * token came from an edit or the position holds none.
 */
int commitRecordFor(const std::vector<RecordPtr> &records, int position, int upTo, int32_t maskId);

/** The last Denoise record at or before `upTo` that predicted `position`, or -1. */
int latestPredictionFor(const std::vector<RecordPtr> &records, int position, int upTo);

} // namespace dlm
