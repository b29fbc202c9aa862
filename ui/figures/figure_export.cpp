#include "ui/figures/figure_export.h"

#include "core/export/export_util.h"
#include "ui/figures/canvas_figure.h"
#include "ui/figures/decision_figure.h"
#include "ui/figures/export_file.h"
#include "ui/figures/figure_style.h"
#include "ui/figures/heatmap_figure.h"
#include "ui/figures/run_plots_figure.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QImage>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <cmath>
#include <functional>
#include <memory>

namespace dlm {

namespace {

constexpr int kMinSide = 16;
constexpr int kMaxSide = 16384; // QPainter's raster engine works in 16-bit-safe coordinates well below 32767
constexpr double kMaxPixels = 2.5e8; // ~1 GB of RGB32: refuse rather than exhaust memory on a typo

/** A figure ready to paint at its size. */
struct PreparedFigure
{
    QSize size;
    QString title;
    std::function<void(QPainter *, const QSize &)> paint;
};

Result<PreparedFigure> prepare(const Timeline &timeline, const FigureOptions &o)
{
    using Failure = Result<PreparedFigure>;
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return Failure::failure("figures need a QGuiApplication (for their fonts)");
    if (const Status ok = checkFigureOptions(timeline, o); !ok)
        return Failure::failure(ok.error());

    const int record = o.record >= 0 ? o.record : timeline.branch(o.branch).size() - 1;
    const QSize defaults = defaultFigureSize(o.kind);
    PreparedFigure f;
    f.size = QSize(o.width > 0 ? o.width : defaults.width(), o.height > 0 ? o.height : defaults.height());
    f.title
        = QStringLiteral("DLM Studio %1, branch %2, record %3").arg(figureKindName(o.kind)).arg(o.branch).arg(record);
    switch (o.kind) {
    case FigureKind::Canvas: {
        auto canvas = std::make_shared<CanvasFigure>(timeline, o.branch);
        canvas->setRecord(record);
        f.size.setHeight(canvas->heightForWidth(f.size.width()));
        if (f.size.height() * o.scale > kMaxSide)
            return Failure::failure("the sequence is " + std::to_string(f.size.height()) + " pixels tall at width "
                + std::to_string(f.size.width()) + "; choose a larger width");
        f.paint = [canvas](QPainter *p, const QSize &size) { canvas->paint(p, size); };
        break;
    }
    case FigureKind::Heatmap: {
        auto heatmap = std::make_shared<HeatmapFigure>(timeline, o.branch, record);
        f.paint = [heatmap](QPainter *p, const QSize &size) { heatmap->paint(p, size); };
        break;
    }
    case FigureKind::Decisions: {
        auto decisions = std::make_shared<DecisionFigure>(timeline, o.branch, record);
        f.paint = [decisions](QPainter *p, const QSize &size) { decisions->paint(p, size); };
        break;
    }
    case FigureKind::Plots: {
        auto plots = std::make_shared<RunPlotsFigure>(timeline, o.branch, record);
        f.paint = [plots](QPainter *p, const QSize &size) { plots->paint(p, size); };
        break;
    }
    }
    return f;
}

QByteArray pngBytes(const PreparedFigure &f, double scale)
{
    QImage image(QSize(static_cast<int>(std::lround(f.size.width() * scale)),
                     static_cast<int>(std::lround(f.size.height() * scale))),
        QImage::Format_RGB32);
    image.setDevicePixelRatio(scale);
    const int dotsPerMeter = static_cast<int>(std::lround(figure::kDpi / 0.0254));
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        f.paint(&painter, f.size);
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
    svg.setResolution(figure::kDpi);
    svg.setTitle(f.title);
    svg.setDescription(QStringLiteral("Made by DLM Studio from a saved timeline"));
    {
        QPainter painter(&svg);
        f.paint(&painter, f.size);
    }
    return bytes;
}

QByteArray pdfBytes(const PreparedFigure &f)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter pdf(&buffer);
    pdf.setResolution(figure::kDpi);
    // One page exactly the figure's size (ExactMatch: never snap to a paper size), no margins.
    const QPageSize page(QSizeF(f.size) * (72.0 / figure::kDpi), QPageSize::Point, QString(), QPageSize::ExactMatch);
    pdf.setPageLayout(QPageLayout(page, QPageLayout::Portrait, QMarginsF()));
    pdf.setCreator(QStringLiteral("DLM Studio"));
    pdf.setTitle(f.title);
    {
        QPainter painter(&pdf);
        // Points are whole numbers in the page size; the window maps the figure onto the page exactly.
        painter.setWindow(QRect(QPoint(0, 0), f.size));
        f.paint(&painter, f.size);
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
