#pragma once
// Keeps a plot readable at any size, down to the smallest a dock allows: after every layout the tick count
// of each axis follows the room it has, axis titles fall back to a short form (then an elided one) when the
// full one is longer than the axis, titles wrap to the plot's width and the legend takes as many columns as
// fit. The same runs when a figure is exported at its own size, so big figures keep the full texts.

class QCPAxis;
class QCPTextElement;
class QCustomPlot;
class QString;

namespace dlm {

/** Re-fits `plot` after each of its layouts (connects to QCustomPlot::afterLayout). */
void keepReadable(QCustomPlot *plot);

/** Gives `axis` a full title and a shorter one for when the full one does not fit along the axis. */
void setAxisTitles(QCPAxis *axis, const QString &full, const QString &brief);

/** Sets the text of a title element that is wrapped at spaces to the plot's width when it is too long. */
void setWrappedTitle(QCPTextElement *title, const QString &text);

} // namespace dlm
