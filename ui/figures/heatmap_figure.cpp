#include "ui/figures/heatmap_figure.h"

#include "core/sampling/schedule.h"
#include "ui/figures/color_maps.h"
#include "ui/figures/figure_style.h"
#include "ui/figures/measure_labels.h"
#include "ui/figures/plot_painter.h"

#include <QCoreApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlm {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kMargin = 8.0;
constexpr double kBarWidth = 12.0;
constexpr double kBarGap = 16.0;

QString tr(const char *text)
{
    return QCoreApplication::translate("dlm::HeatmapView", text);
}

// Marks must stay readable on both ends of viridis: a wide dark stroke under a thin light one.
QPen haloPen()
{
    return QPen(QColor(0, 0, 0, 200), 4.0);
}

QPen coreStroke()
{
    return QPen(QColor(Qt::white), 1.5);
}

QPen blockPen()
{
    return QPen(figure::kInk, 1.5, Qt::DashLine);
}

void drawDiamond(QPainter &p, const QPointF &centre, double size)
{
    const double h = size / 2;
    const QPointF points[]
        = {centre + QPointF(0, -h), centre + QPointF(h, 0), centre + QPointF(0, h), centre + QPointF(-h, 0)};
    p.drawPolygon(points, 4);
}

QPen diamondPen()
{
    return QPen(figure::kInk, 1.0);
}

} // namespace

HeatmapCells heatmapCells(
    const std::vector<std::shared_ptr<const StepRecord>> &records, int promptLength, const GenerationSettings &settings)
{
    HeatmapCells cells;
    const int n = static_cast<int>(records.size());
    cells.recordCount = n;
    const int length = n > 0 ? records.back()->length() : 0;
    // Infilling prompts hold masks of their own: the map starts at the first position that ever was one.
    cells.firstPosition = std::min(promptLength, length);
    if (n > 0) {
        const StepRecord &first = *records.front();
        for (int p = 0; p < first.length(); ++p) {
            if (first.states[static_cast<size_t>(p)] != PositionState::Prompt) {
                cells.firstPosition = std::min(cells.firstPosition, p);
                break;
            }
        }
    }
    cells.endPosition = length;
    const int first = cells.firstPosition, end = cells.endPosition;
    const int rows = cells.rows();
    cells.values.assign(static_cast<size_t>(n) * static_cast<size_t>(std::max(rows, 0)), kNan);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int r = 0; r < n; ++r) {
        const StepRecord &rec = *records[static_cast<size_t>(r)];
        if (rec.kind != RecordKind::Denoise)
            continue;
        for (int p = first; p < std::min(end, rec.length()); ++p) {
            if (!rec.considered(p) || static_cast<size_t>(p) >= rec.confidence.size())
                continue;
            // Positions right of the block carry -inf: blank, like any position without a prediction.
            const float c = rec.confidence[static_cast<size_t>(p)];
            if (std::isfinite(c)) {
                cells.values[static_cast<size_t>(r) * static_cast<size_t>(rows) + static_cast<size_t>(p - first)] = c;
                lo = std::min(lo, static_cast<double>(c));
                hi = std::max(hi, static_cast<double>(c));
            }
        }
        for (int32_t p : rec.committed) {
            if (p >= first && p < end)
                cells.commits.emplace_back(r, p);
        }
    }
    cells.lowest = lo <= hi ? lo : kNan;
    cells.highest = lo <= hi ? hi : kNan;
    if (n > 0) {
        const BlockSchedule schedule(promptLength, settings.genLength, settings.blockLength, settings.steps);
        for (int b = 1; b < schedule.blockCount(); ++b) {
            const int start = schedule.blockStart(b);
            if (start > first && start < end)
                cells.blockStarts.push_back(start);
        }
    }
    return cells;
}

double HeatmapCells::valueAt(int recordIndex, int position) const
{
    if (recordIndex < 0 || recordIndex >= recordCount || position < firstPosition || position >= endPosition)
        return kNan;
    const size_t n = static_cast<size_t>(rows());
    return values[static_cast<size_t>(recordIndex) * n + static_cast<size_t>(position - firstPosition)];
}

HeatmapFigure::HeatmapFigure(const Timeline &timeline, int branchId, int record)
    : m_record(record)
{
    m_settings = timeline.settingsFor(branchId);
    m_cells = heatmapCells(timeline.branch(branchId).records, static_cast<int>(timeline.promptIds.size()), m_settings);
    // Probabilities and margins have a natural [0, 1] scale that keeps colours comparable between runs;
    // minus the entropy has none, so it spans what the run produced.
    if (m_settings.measure == ConfidenceMeasure::Entropy && m_cells.anyValue()) {
        m_lower = m_cells.lowest;
        m_upper = m_cells.highest > m_cells.lowest ? m_cells.highest : m_cells.lowest + 1.0;
    }
}

void HeatmapFigure::paint(QPainter *painter, const QSize &size) const
{
    using namespace figure;
    QPainter &p = *painter;
    p.save();
    p.fillRect(QRectF(QPointF(0, 0), QSizeF(size)), kPaper);

    const int n = recordCount();
    const int rows = m_cells.endPosition - m_cells.firstPosition;
    Chart chart;
    chart.x = {-0.5, std::max(n, 1) - 0.5, false, true, 8, tr("record (denoising step)"), tr("record")};
    chart.y = {m_cells.firstPosition - 0.5, std::max(m_cells.endPosition, m_cells.firstPosition + 1) - 0.5, true, true,
        5, tr("position"), QString()};
    Axis scale {
        m_lower, m_upper, false, false, 6, measureTitle(m_settings.measure), measureBriefTitle(m_settings.measure)};

    // The legend explains the marks.
    std::vector<LegendEntry> legend;
    legend.push_back({tr("committed here"), [](QPainter &q, const QRectF &icon) {
                          q.setPen(diamondPen());
                          q.setBrush(Qt::white);
                          drawDiamond(q, icon.center(), 8.0);
                      }});
    legend.push_back({tr("block boundary"), [](QPainter &q, const QRectF &icon) {
                          q.setPen(blockPen());
                          q.drawLine(QPointF(icon.left(), icon.center().y()), QPointF(icon.right(), icon.center().y()));
                      }});
    legend.push_back({tr("current step"), [](QPainter &q, const QRectF &icon) {
                          q.setPen(QPen(kInk, 2.5));
                          q.drawLine(QPointF(icon.left(), icon.center().y()), QPointF(icon.right(), icon.center().y()));
                      }});
    legend.push_back({tr("no prediction"), [](QPainter &q, const QRectF &icon) {
                          QColor outline = kInk;
                          outline.setAlpha(150);
                          q.setPen(QPen(outline, 1.0));
                          q.setBrush(kBlank);
                          q.drawRect(QRectF(icon.center() - QPointF(4.5, 4.5), QSizeF(9, 9)));
                      }});

    const double legendH = legendHeight(legend, size.width() - 2 * kMargin);
    const double top = kMargin + QFontMetricsF(tickFont()).height() / 2;
    const double bottom = size.height() - kMargin - legendH - bottomAxisHeight(true, true);
    const std::vector<double> yTicks = verticalTicks(chart.y, bottom - top);
    const std::vector<double> scaleTicks = verticalTicks(scale, bottom - top);
    const double left = kMargin + leftAxisWidth(yTicks, true, true);
    const double right = size.width() - kMargin - rightAxisWidth(scaleTicks, true) - kBarWidth - kBarGap;
    chart.area = QRectF(QPointF(std::round(left), std::round(top)), QPointF(std::round(right), std::round(bottom)));
    if (chart.area.width() < 2 || chart.area.height() < 2) {
        p.restore();
        return;
    }
    const std::vector<double> xTicks = horizontalTicks(chart.x, chart.area.width());

    // The cells: one image pixel per cell, scaled up without smoothing. Oversampled to about the drawn size,
    // so that SVG and PDF viewers, which smooth embedded images, keep the cells sharp.
    if (n > 0 && rows > 0) {
        const int fx = std::clamp(static_cast<int>(std::ceil(chart.area.width() / n)), 1, std::max(1, 2048 / n));
        const int fy = std::clamp(static_cast<int>(std::ceil(chart.area.height() / rows)), 1, std::max(1, 2048 / rows));
        QImage cells(n, rows, QImage::Format_RGB32);
        for (int r = 0; r < n; ++r) {
            for (int row = 0; row < rows; ++row) {
                const double v
                    = m_cells.values[static_cast<size_t>(r) * static_cast<size_t>(rows) + static_cast<size_t>(row)];
                const QColor c = std::isnan(v) ? kBlank : colors::viridis((v - m_lower) / (m_upper - m_lower));
                cells.setPixel(r, row, c.rgb());
            }
        }
        if (fx > 1 || fy > 1)
            cells = cells.scaled(n * fx, rows * fy, Qt::IgnoreAspectRatio, Qt::FastTransformation);
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        const QRectF target(QPointF(chart.px(-0.5), chart.py(m_cells.firstPosition - 0.5)),
            QPointF(chart.px(n - 0.5), chart.py(m_cells.endPosition - 0.5)));
        p.drawImage(target, cells);
    } else {
        p.fillRect(chart.area, kBlank);
    }

    p.setRenderHint(QPainter::Antialiasing, true);
    p.save();
    p.setClipRect(chart.area.adjusted(-1, -1, 1, 1));
    // Block boundaries.
    p.setPen(blockPen());
    for (int start : m_cells.blockStarts) {
        const double y = chart.py(start - 0.5);
        p.drawLine(QPointF(chart.area.left(), y), QPointF(chart.area.right(), y));
    }
    // Commits: a marker never covers more than its own cell, so dense maps stay readable.
    const double cell = std::min(chart.area.width() / std::max(n, 1), chart.area.height() / std::max(rows, 1));
    const double markerSize = std::clamp(cell * 0.7, 3.0, 8.0);
    p.setPen(diamondPen());
    p.setBrush(Qt::white);
    for (const auto &[r, pos] : m_cells.commits)
        drawDiamond(p, QPointF(chart.px(r), chart.py(pos)), markerSize);
    p.restore();
    // The chosen record's column.
    if (m_record >= 0 && m_record < n) {
        const QRectF column(QPointF(chart.px(m_record - 0.5), chart.py(m_cells.firstPosition - 0.5)),
            QPointF(chart.px(m_record + 0.5), chart.py(m_cells.endPosition - 0.5)));
        p.setBrush(Qt::NoBrush);
        for (const QPen &pen : {haloPen(), coreStroke()}) {
            p.setPen(pen);
            p.drawRect(column);
        }
    }

    drawLeftAxis(p, chart, yTicks, true);
    drawBottomAxis(p, chart, xTicks, true);

    // The colour bar, beside the map.
    const QRectF bar(chart.area.right() + kBarGap, chart.area.top(), kBarWidth, chart.area.height());
    QLinearGradient gradient(bar.bottomLeft(), bar.topLeft());
    for (int i = 0; i <= 10; ++i)
        gradient.setColorAt(i / 10.0, colors::viridis(i / 10.0));
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(bar, gradient);
    drawRightAxis(p, bar, scale, scaleTicks);

    drawLegend(p, legend, QRectF(kMargin, size.height() - kMargin - legendH, size.width() - 2 * kMargin, legendH));
    p.restore();
}

} // namespace dlm
