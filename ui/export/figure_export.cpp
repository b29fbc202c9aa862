#include "ui/export/figure_export.h"

#include "ui/export/canvas_figure.h"
#include "ui/views/decision_chart.h"
#include "ui/export/export_file.h"
#include "core/export/export_util.h"
#include "ui/views/heatmap_view.h"
#include "ui/views/plot_theme.h"
#include "ui/views/run_plots.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QBuffer>
#include <QImage>
#include <QPageLayout>
#include <QPdfWriter>
#include <QScreen>
#include <QSvgGenerator>

#include <cmath>
#include <functional>
#include <memory>

namespace dlm {

namespace {

constexpr int kMinSide = 16;
constexpr int kMaxSide = 16384; // QPainter's raster engine works in 16-bit-safe coordinates well below 32767
constexpr double kMaxPixels = 2.5e8; // ~1 GB of RGB32: refuse rather than exhaust memory on a typo

/** Fonts are sized for the screen; drawing on a device with another resolution would shrink or grow text
 *  against the chips CanvasView measured, so every device gets the screen's logical DPI. */
double screenDpi()
{
    const QScreen *screen = QGuiApplication::primaryScreen();
    return screen ? screen->logicalDotsPerInchY() : 96.0;
}

/** A figure ready to paint at its size: either the canvas or one of the plot widgets. */
struct PreparedFigure
{
    QSize size;
    QString title;
    std::unique_ptr<CanvasFigure> canvas;
    std::unique_ptr<QWidget> widget; ///< owns the plot
    QCustomPlot *plot = nullptr;

    void paint(QCPPainter &painter) const
    {
        if (canvas)
            canvas->paint(&painter, size);
        else
            plot->toPainter(&painter, size.width(), size.height());
    }
};

template<typename View>
std::unique_ptr<View> preparedPlot(const Timeline &timeline, int branch, int record, PreparedFigure *out)
{
    auto view = std::make_unique<View>();
    view->setAttribute(Qt::WA_DontShowOnScreen);
    view->setPalette(figurePalette());
    view->setTimelineBranch(timeline, branch);
    view->setCurrentIndex(record);
    applyPlotPalette(view->plot(), figurePalette());
    out->plot = view->plot();
    return view;
}

Result<PreparedFigure> prepare(const Timeline &timeline, const FigureOptions &o)
{
    using Failure = Result<PreparedFigure>;
    if (!qobject_cast<QApplication *>(QCoreApplication::instance()))
        return Failure::failure("figures need a QApplication (they are drawn by the app's widgets)");
    if (const Status ok = checkFigureOptions(timeline, o); !ok)
        return Failure::failure(ok.error());

    const int record = o.record >= 0 ? o.record : timeline.branch(o.branch).size() - 1;
    const QSize defaults = defaultFigureSize(o.kind);
    PreparedFigure f;
    f.size = QSize(o.width > 0 ? o.width : defaults.width(), o.height > 0 ? o.height : defaults.height());
    f.title
        = QStringLiteral("DLM Studio %1, branch %2, record %3").arg(figureKindName(o.kind)).arg(o.branch).arg(record);
    switch (o.kind) {
    case FigureKind::Canvas:
        f.canvas = std::make_unique<CanvasFigure>(timeline, o.branch);
        f.canvas->setRecord(record);
        f.size.setHeight(f.canvas->heightForWidth(f.size.width()));
        if (f.size.height() * o.scale > kMaxSide)
            return Failure::failure("the sequence is " + std::to_string(f.size.height()) + " pixels tall at width "
                + std::to_string(f.size.width()) + "; choose a larger width");
        break;
    case FigureKind::Heatmap:
        f.widget = preparedPlot<HeatmapView>(timeline, o.branch, record, &f);
        break;
    case FigureKind::Decisions:
        f.widget = preparedPlot<DecisionChart>(timeline, o.branch, record, &f);
        break;
    case FigureKind::Plots:
        f.widget = preparedPlot<RunPlots>(timeline, o.branch, record, &f);
        break;
    }
    return f;
}

QByteArray pngBytes(const PreparedFigure &f, double scale)
{
    QImage image(QSize(static_cast<int>(std::lround(f.size.width() * scale)),
                     static_cast<int>(std::lround(f.size.height() * scale))),
        QImage::Format_RGB32);
    image.setDevicePixelRatio(scale);
    const int dotsPerMeter = static_cast<int>(std::lround(screenDpi() / 0.0254));
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    image.fill(Qt::white);
    {
        QCPPainter painter(&image);
        f.paint(painter);
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

QByteArray svgBytes(const PreparedFigure &f)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(f.size);
    svg.setViewBox(QRect(QPoint(0, 0), f.size));
    svg.setResolution(static_cast<int>(std::lround(screenDpi())));
    svg.setTitle(f.title);
    svg.setDescription(QStringLiteral("Made by DLM Studio from a saved timeline"));
    {
        QCPPainter painter(&svg);
        // Vector mode: no pixel-alignment tricks and no cached bitmaps inside the file.
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        f.paint(painter);
    }
    return bytes;
}

QByteArray pdfBytes(const PreparedFigure &f)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    const double dpi = screenDpi();
    QPdfWriter pdf(&buffer);
    pdf.setResolution(static_cast<int>(std::lround(dpi)));
    // One page exactly the figure's size (ExactMatch: never snap to a paper size), no margins.
    const QPageSize page(QSizeF(f.size) * (72.0 / dpi), QPageSize::Point, QString(), QPageSize::ExactMatch);
    pdf.setPageLayout(QPageLayout(page, QPageLayout::Portrait, QMarginsF()));
    pdf.setCreator(QStringLiteral("DLM Studio"));
    pdf.setTitle(f.title);
    {
        QCPPainter painter(&pdf);
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        // Points are whole numbers in the page size; the window maps the figure onto the page exactly.
        painter.setWindow(QRect(QPoint(0, 0), f.size));
        f.paint(painter);
    }
    return bytes;
}

} // namespace

QString figureKindName(FigureKind kind)
{
    switch (kind) {
    case FigureKind::Canvas:
        return QStringLiteral("canvas");
    case FigureKind::Heatmap:
        return QStringLiteral("heatmap");
    case FigureKind::Decisions:
        return QStringLiteral("decisions");
    case FigureKind::Plots:
        return QStringLiteral("plots");
    }
    return {};
}

std::optional<FigureKind> figureKindFromName(const QString &name)
{
    for (FigureKind k : {FigureKind::Canvas, FigureKind::Heatmap, FigureKind::Decisions, FigureKind::Plots}) {
        if (figureKindName(k) == name)
            return k;
    }
    return std::nullopt;
}

QString figureFormatName(FigureFormat format)
{
    switch (format) {
    case FigureFormat::Png:
        return QStringLiteral("png");
    case FigureFormat::Svg:
        return QStringLiteral("svg");
    case FigureFormat::Pdf:
        return QStringLiteral("pdf");
    }
    return {};
}

std::optional<FigureFormat> figureFormatFromName(const QString &name)
{
    for (FigureFormat f : {FigureFormat::Png, FigureFormat::Svg, FigureFormat::Pdf}) {
        if (figureFormatName(f) == name)
            return f;
    }
    return std::nullopt;
}

QSize defaultFigureSize(FigureKind kind)
{
    switch (kind) {
    case FigureKind::Canvas:
        return {800, 0};
    case FigureKind::Heatmap:
        return {800, 500};
    case FigureKind::Decisions:
        return {800, 400};
    case FigureKind::Plots:
        return {800, 600};
    }
    return {800, 500};
}

Status checkFigureOptions(const Timeline &timeline, const FigureOptions &o)
{
    std::vector<int> records;
    if (o.record >= 0)
        records.push_back(o.record);
    if (o.branch < 0)
        return Status::failure("branch " + std::to_string(o.branch) + " does not exist");
    if (const Status selection = checkExportSelection(timeline, o.branch, records); !selection)
        return selection;
    if (timeline.branch(o.branch).records.empty())
        return Status::failure("branch " + std::to_string(o.branch) + " has no records");
    for (const auto &[name, value] : {std::pair {"width", o.width}, std::pair {"height", o.height}}) {
        if (value != 0 && (value < kMinSide || value > kMaxSide))
            return Status::failure(std::string(name) + " " + std::to_string(value)
                + " is out of range: " + std::to_string(kMinSide) + ".." + std::to_string(kMaxSide) + " pixels");
    }
    if (!(o.scale >= 0.25 && o.scale <= 8.0))
        return Status::failure("scale " + exportNumber(o.scale) + " is out of range: 0.25..8");
    const QSize d = defaultFigureSize(o.kind);
    const double w = (o.width > 0 ? o.width : d.width()) * o.scale;
    const double h = (o.height > 0 ? o.height : std::max(d.height(), 1)) * o.scale;
    if (w * h > kMaxPixels || w > kMaxSide || h > kMaxSide)
        return Status::failure("the figure would be " + std::to_string(std::lround(w)) + " x "
            + std::to_string(std::lround(h)) + " pixels, more than this export allows");
    return {};
}

Result<QSize> figureSize(const Timeline &timeline, const FigureOptions &options)
{
    auto f = prepare(timeline, options);
    if (!f)
        return Result<QSize>::failure(f.error());
    return f->size;
}

Result<QByteArray> renderFigure(const Timeline &timeline, const FigureOptions &options, FigureFormat format)
{
    auto f = prepare(timeline, options);
    if (!f)
        return Result<QByteArray>::failure(f.error());
    switch (format) {
    case FigureFormat::Png:
        return pngBytes(*f, options.scale);
    case FigureFormat::Svg:
        return svgBytes(*f);
    case FigureFormat::Pdf:
        return pdfBytes(*f);
    }
    return Result<QByteArray>::failure("unknown figure format");
}

Status exportFigure(const Timeline &timeline, const FigureOptions &options, FigureFormat format, const QString &path)
{
    const auto bytes = renderFigure(timeline, options, format);
    if (!bytes)
        return Status::failure(bytes.error());
    return writeFileAtomically(path, *bytes);
}

} // namespace dlm
