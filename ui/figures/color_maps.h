#pragma once
// The colours of DLM Studio's visual language, defined once so every view and export agrees: a perceptually
// uniform sequential map for confidence and the Okabe-Ito palette for categorical token states.

#include <QColor>

namespace dlm::colors {

/** Viridis at t in [0, 1] (clamped; NaN gives an invalid colour). Colour-blind safe and prints in grey. */
QColor viridis(double t);

/** Black or white, whichever reads better on `background`. */
QColor textOn(const QColor &background);

// Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision deficiencies.
inline const QColor kOkabeBlack{0x00, 0x00, 0x00};
inline const QColor kOkabeOrange{0xE6, 0x9F, 0x00};
inline const QColor kOkabeSkyBlue{0x56, 0xB4, 0xE9};
inline const QColor kOkabeGreen{0x00, 0x9E, 0x73};
inline const QColor kOkabeYellow{0xF0, 0xE4, 0x42};
inline const QColor kOkabeBlue{0x00, 0x72, 0xB2};
inline const QColor kOkabeVermillion{0xD5, 0x5E, 0x00};
inline const QColor kOkabePurple{0xCC, 0x79, 0xA7};

// Token-state roles. Each is paired with a shape in TokenChipPainter, never used alone.
inline const QColor &kNewThisStep = kOkabeOrange;   ///< thick outline
inline const QColor &kRemasked = kOkabeVermillion;  ///< return-arrow glyph + dashed outline
inline const QColor &kEdited = kOkabePurple;        ///< pencil glyph
inline const QColor &kLocked = kOkabeBlue;          ///< pin glyph

} // namespace dlm::colors
