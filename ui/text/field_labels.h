#pragma once
// The one table from the engine's setting names ("block-length", "low_confidence") to the labels the window
// shows ("Block length", "Low confidence (probability)"). Core and the CLI speak in setting names; the window
// passes their messages through here so a message names the field the user can see.

#include "core/sampling/generation_settings.h"

#include <QString>

namespace dlm {

/** The panel's label for a setting name such as "gen-length"; empty when the name is not a setting. */
QString fieldLabel(const QString &settingName);
/** `message` with every setting name replaced by its label, e.g. "block-length (8) cannot exceed gen-length (4)"
 *  becomes "Block length (8) cannot exceed Gen length (4)". Text that names no setting is returned as is. */
QString withFieldLabels(const QString &message);
/** The label the remasking list shows for `measure`, e.g. "Low confidence (probability)". */
QString measureLabel(ConfidenceMeasure measure);

} // namespace dlm
