#pragma once
// The layout every chart view shares: the plot fills its widget and follows the mouse (tooltips), and the
// legend sits in a row of its own below the axes, where it never covers data.

#include <QSharedPointer>

class QCPAxisTickerFixed;
class QCustomPlot;
class QWidget;

namespace dlm {

/**
 * Makes `plot` fill `owner` edge to edge, with mouse tracking on and at least `minWidth` x `minHeight`, and
 * keeps its ticks, titles and legend fitted to its size (plot_fitting.h).
 */
void fillWithPlot(QWidget *owner, QCustomPlot *plot, int minWidth, int minHeight);

/**
 * Moves the legend into row `row` of the plot layout (the row below the axes), laid out in columns, frameless,
 * with `bottomMargin` pixels under it, and gives that row only the height it needs.
 */
void putLegendBelow(QCustomPlot *plot, int row, int bottomMargin = 4);

/** A ticker at whole numbers only (records, positions, ranks), thinned to multiples when they crowd. */
QSharedPointer<QCPAxisTickerFixed> integerTicker();

} // namespace dlm
