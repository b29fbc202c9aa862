#pragma once
// Private to the timeline JSON writer and reader: what both sides of the format must agree on.
// Include only from timeline_json*.cpp.

#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace dlm::timeline_json_detail {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json; // the writer keeps keys in a readable order

// Shared prefixes are rebuilt as pointer copies; cap them so a file of many tiny forks of a long branch
// cannot ask for billions of pointers. Records stored in "considered" layout expand on reading; cap that too.
constexpr int64_t kMaxRecordRefs = int64_t(1) << 24;
constexpr int64_t kMaxExpandedValues = int64_t(1) << 29;

constexpr char kStateCodes[] = {'p', 'm', 'r', 'n', 'c', 'e'}; // indexed by PositionState

/** What every position the sampler did not consider holds, when that is one value per array. */
struct PredictionFill
{
    float confidence = 0, probability = 0, margin = 0, entropy = 0, topProb = 0;
    int32_t topId = -1;
};

/** Reads a parsed timeline document and checks everything; stops at the first problem. */
Result<Timeline> readTimelineDocument(const json &root, const std::string &fileName);

} // namespace dlm::timeline_json_detail
