#pragma once
// What the chart figures (heatmap, decisions, run plots) share, drawn with QPainter alone: axes with round
// ticks, titles that fall back to a brief form when the full one does not fit, grids, and a legend in a row
// below the data that takes as many columns as fit. The same rules the interactive plots follow
// (ui/views/plot_fitting), so a figure reads like the view it shows.

#include "ui/figures/figure_style.h"

#include <QFont>
#include <QFontMetricsF>
#include <QRectF>
#include <QString>

#include <functional>
#include <vector>

class QPainter;

namespace dlm::figure {

/** One axis of a chart: its data range and how it is labelled. */
struct Axis
{
    double lower = 0.0;
    double upper = 1.0;
    bool reversed = false; ///< a vertical axis with its lower end on top (positions read top to bottom)
    bool integer = false; ///< ticks on whole numbers only
    int maxTicks = 8;
    QString title; ///< full title; empty: none
    QString brief; ///< shorter title for an axis too short for the full one
};

/** The data rectangle of a chart on the page, with its axes: maps values to pixels. */
struct Chart
{
    QRectF area;
    Axis x;
    Axis y;

    double px(double value) const;
    double py(double value) const;
};

/** Tick labels (11 px) and axis titles (12 px). */
QFont tickFont();
QFont titleFont();

/** Round tick values on `axis` for an axis `length` pixels long: about one per `pitch` pixels (2 to maxTicks). */
std::vector<double> ticks(const Axis &axis, double length, double pitch);
/** Ticks of a vertical axis (a label's height and more between labels). */
std::vector<double> verticalTicks(const Axis &axis, double length);
/** Ticks of a horizontal axis (about two label widths between labels). */
std::vector<double> horizontalTicks(const Axis &axis, double length);
/** "0.25", "10", "-3": a tick value as the plots print it. */
QString tickLabel(double value);

/** Pixels left of the data a left axis needs: tick marks, labels and (when titled) its title. */
double leftAxisWidth(const std::vector<double> &ticks, bool labels, bool titled);
/** Pixels under the data a bottom axis needs. */
double bottomAxisHeight(bool labels, bool titled);
/** Pixels right of the data a right axis (a colour bar's) needs. */
double rightAxisWidth(const std::vector<double> &ticks, bool titled);

/** The full title if it fits in `room` pixels, else the brief one, else the brief one elided. */
QString fittedTitle(const QString &full, const QString &brief, const QFont &font, double room);

void drawLeftAxis(QPainter &painter, const Chart &chart, const std::vector<double> &ticks, bool labels);
void drawBottomAxis(QPainter &painter, const Chart &chart, const std::vector<double> &ticks, bool labels);
/** A right axis beside `area` for `axis` (a colour bar's): line, ticks, labels, title. */
void drawRightAxis(QPainter &painter, const QRectF &area, const Axis &axis, const std::vector<double> &ticks);
/** Dotted grid lines at the ticks (either list may be empty). */
void drawGrid(
    QPainter &painter, const Chart &chart, const std::vector<double> &xTicks, const std::vector<double> &yTicks);
/** Tick marks only, inside the chart, on its top and right edges (the full box of the run plots). */
void drawBox(QPainter &painter, const Chart &chart);

/** `text` in lines no wider than `width`: split before " (" when that is enough, else word by word. */
QString wrapText(const QString &text, const QFontMetricsF &metrics, double width);

/** Diagonal hatching of `rect` in `color`: one direction, or crossed. */
void drawHatch(QPainter &painter, const QRectF &rect, const QColor &color, bool crossed);

/** A legend entry: its key, drawn into an icon rectangle, and its text. */
struct LegendEntry
{
    QString text;
    std::function<void(QPainter &, const QRectF &)> key;
};

/** The height the legend needs in `width` pixels (0 without entries). */
double legendHeight(const std::vector<LegendEntry> &entries, double width);
/** Draws the legend into `rect`, as many columns as fit, the space shared out between them. */
void drawLegend(QPainter &painter, const std::vector<LegendEntry> &entries, const QRectF &rect);

} // namespace dlm::figure
