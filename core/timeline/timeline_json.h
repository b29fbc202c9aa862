#pragma once
// The timeline file: a whole run (settings, model identity, prompt, token pieces and every branch of step
// records) as versioned JSON, so it can be replayed, inspected and exported with no model loaded.
// The format is documented in docs/timeline-format.md; keep the two in step.

#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <cstddef>
#include <string>

namespace dlm {

/** The value of the top-level "format" field. */
inline constexpr const char *kTimelineFormatName = "dlmstudio-timeline";
/** The newest format version this build writes and reads. */
inline constexpr int kTimelineFormatVersion = 2;

// Limits the reader enforces before allocating, so a damaged or hostile file fails with a message instead
// of exhausting memory. They are far above what any real run produces.
inline constexpr size_t kTimelineMaxFileBytes = size_t(1) << 30; ///< 1 GiB
inline constexpr int kTimelineMaxCanvas = 1000000;              ///< positions per record
inline constexpr int kTimelineMaxRecords = 1000000;             ///< records stored in the file
inline constexpr int kTimelineMaxBranches = 100000;
inline constexpr int kTimelineMaxTopK = 1024;
inline constexpr int kTimelineMaxVocab = 16 * 1024 * 1024;

/** The timeline as JSON text. Never fails: strings that are not UTF-8 are written with U+FFFD instead. */
std::string timelineToJson(const Timeline &timeline);
/** Parses and validates timeline JSON; `fileName` starts every message, followed by the JSON path. */
Result<Timeline> timelineFromJson(const std::string &text, const std::string &fileName);

/** Writes the timeline atomically: an existing file is replaced only by a complete new one. */
Status saveTimeline(const Timeline &timeline, const std::string &path);
/** Reads, parses and validates a timeline file (at most kTimelineMaxFileBytes). */
Result<Timeline> loadTimeline(const std::string &path);

} // namespace dlm
