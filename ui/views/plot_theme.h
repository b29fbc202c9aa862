#pragma once
// QCustomPlot draws with its own colours, not the widget palette. This keeps plots in step with the light
// or dark theme: axes, labels, grid and background follow the palette, and so do items marked as "ink".

#include <QColor>
#include <QObject>
#include <QPalette>

class QCPAbstractItem;
class QCustomPlot;

namespace dlm {

/** True when `palette` has a dark window background (the dark theme, or a dark desktop's palette). */
bool isDarkPalette(const QPalette &palette);

/** Colour for lines and text drawn on a plot's background (the palette's text colour). */
QColor plotInk(const QPalette &palette);

/** Marks an item (cut line, current-step line, label) to be recoloured with the ink on theme changes. */
void markAsInk(QCPAbstractItem *item);

/** Applies `palette` to `plot` now, and again whenever the plot's palette changes. */
void followPalette(QCustomPlot *plot);

/** Recolours `plot` from `palette` (without replotting). */
void applyPlotPalette(QCustomPlot *plot, const QPalette &palette);

} // namespace dlm
