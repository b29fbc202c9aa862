#pragma once
// The look every exported figure shares: one font in fixed pixel sizes and dark ink on white paper, whatever
// the window's theme or the platform's default font, so the CLI (offscreen) and the GUI's File > Export...
// draw the same pixels, and a PNG, an SVG and a PDF of one figure the same picture.

#include <QColor>
#include <QFont>
#include <QPalette>

namespace dlm::figure {

/** Figures are laid out at this many logical pixels per inch (PNG metadata, SVG and PDF resolution). */
constexpr int kDpi = 96;

/** Text: DejaVu Sans (fontconfig's substitute where it is missing) at `pixelSize`, unhinted so that text
 *  scales with the figure (a PNG at --scale 2 is the same picture as at 1). */
QFont font(int pixelSize = 12, bool bold = false);

inline const QColor kInk {Qt::black};
inline const QColor kPaper {Qt::white};
/** Grid lines: a light grey that never competes with the data. */
inline const QColor kGrid {0xA0, 0xA0, 0xA0, 110};
/** Cells and keys for "no prediction here": a neutral grey outside viridis' hue path. */
inline const QColor kBlank {0xE4, 0xE4, 0xE4};

/** The palette figures are drawn with (chips follow it): dark on white, every role set. */
QPalette palette();

} // namespace dlm::figure
