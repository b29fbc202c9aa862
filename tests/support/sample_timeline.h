#pragma once
// A small hand-built timeline that exercises every part of the file format: sparse and dense prediction
// layouts, awkward floats, edits, locked flags, and branches that fork, share and truncate. Used by the
// timeline file tests.

#include "core/timeline/timeline.h"

#include <cstdint>

namespace dlm::testing {

inline constexpr int32_t kSampleMask = 99;
inline constexpr int kSamplePrompt = 4;
inline constexpr int kSampleLength = 12;

/** The initial record: four prompt tokens, masks after them, the last position locked. */
StepRecord sampleInitialRecord();

/**
 * Root: initial, sparse denoise, dense denoise, edit. Branch 1 forks after the sparse step; branch 2 forks
 * branch 1 at its own record and adds nothing; branch 3 forks the root's last record.
 */
Timeline makeSampleTimeline();

} // namespace dlm::testing
