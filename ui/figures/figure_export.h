#pragma once
// Figures of a timeline for slides and papers: the sequence view at a record, the confidence heatmap, the
// remasking decision and the run plots, as PNG (with a pixel scale for high-DPI), SVG or PDF (vector).
// Everything comes from the timeline, so a saved file with no model makes the same figures as a live run.
// QtGui only: drawn with QPainter (canvas_figure, heatmap_figure, decision_figure, run_plots_figure), so the
// CLI links no widget; needs a QGuiApplication for fonts (the offscreen platform will do).

#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <QByteArray>
#include <QSize>
#include <QString>

#include <optional>

namespace dlm {

enum class FigureKind { Canvas, Heatmap, Decisions, Plots };
enum class FigureFormat { Png, Svg, Pdf };

/** "canvas", "heatmap", "decisions", "plots": the names the CLI and the export dialog use. */
QString figureKindName(FigureKind kind);
std::optional<FigureKind> figureKindFromName(const QString &name);
/** "png", "svg", "pdf", and the file suffix of each. */
QString figureFormatName(FigureFormat format);
std::optional<FigureFormat> figureFormatFromName(const QString &name);

/** What to draw and how big. */
struct FigureOptions
{
    FigureKind kind = FigureKind::Canvas;
    int branch = 0;
    int record = -1; ///< record index on the branch; -1 = the last one
    int width = 0; ///< logical pixels; 0 = the kind's default
    int height = 0; ///< logical pixels; 0 = the kind's default. The canvas ignores it: its height follows the text
    double scale = 1.0; ///< PNG only: device pixels per logical pixel (2 = twice the pixels each way)
};

/** The default width and height of a kind (the canvas height is then computed from its content). */
QSize defaultFigureSize(FigureKind kind);

/** Checks the branch and record exist; the message names the value and the valid range. */
Status checkFigureOptions(const Timeline &timeline, const FigureOptions &options);

/** The figure's size in logical pixels (the PNG has scale times as many pixels each way). */
Result<QSize> figureSize(const Timeline &timeline, const FigureOptions &options);

/** The figure as the bytes of a PNG, SVG or PDF file. */
Result<QByteArray> renderFigure(const Timeline &timeline, const FigureOptions &options, FigureFormat format);

/** Renders and writes `path` atomically; failures read "cannot write PATH: reason" or name the bad option. */
Status exportFigure(const Timeline &timeline, const FigureOptions &options, FigureFormat format, const QString &path);

} // namespace dlm
