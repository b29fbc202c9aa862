#pragma once
// The axis titles for a confidence measure, shared by the heatmap's colour bar and the decision chart's
// value axis, in a full form and a brief one for axes too short for it.

#include "core/sampling/generation_settings.h"

#include <QString>

namespace dlm {

/** E.g. "confidence: p(candidate)". */
QString measureTitle(ConfidenceMeasure measure);
/** E.g. "p(candidate)": what the value is, without the word "confidence". */
QString measureBriefTitle(ConfidenceMeasure measure);

} // namespace dlm
