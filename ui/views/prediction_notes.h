#pragma once
// The words every view uses about a position's prediction on one step: a prediction right of the block
// (recorded, never eligible), and why a mask has none (later blocks not recorded, a dual-cache step that ran
// the block only). One place, so the canvas's tooltip and the inspector say the same.

#include "core/timeline/step_record.h"

#include <QString>

namespace dlm {

/** For a prediction right of the block: it was recorded and the decision never saw it. */
QString laterPredictionNote();

/** Why a masked position has no prediction in Denoise record `r` (it is right of the block). */
QString noPredictionReason(const StepRecord &r);

} // namespace dlm
