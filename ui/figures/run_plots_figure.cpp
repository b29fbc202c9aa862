#include "ui/figures/run_plots_figure.h"

#include "ui/figures/color_maps.h"
#include "ui/figures/figure_style.h"
#include "ui/figures/plot_painter.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace dlm {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kMargin = 8.0;
constexpr double kChartGap = 4.0;

QString tr(const char *text)
{
    return QCoreApplication::translate("dlm::RunPlots", text);
}

void drawDiscs(QPainter &p, const figure::Chart &c, const std::vector<double> &values, const QColor &color, double size)
{
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    for (size_t i = 0; i < values.size(); ++i) {
        if (!std::isnan(values[i]))
            p.drawEllipse(QPointF(c.px(static_cast<double>(i)), c.py(values[i])), size / 2, size / 2);
    }
}

} // namespace

RunPlotsFigure::RunPlotsFigure(const Timeline &timeline, int branchId, int record)
    : m_record(record)
{
    const Branch &branch = timeline.branch(branchId);
    const int32_t maskId = timeline.model.maskId;
    for (int r = 0; r < branch.size(); ++r) {
        const StepRecord &rec = branch.at(r);
        m_masked.push_back(rec.maskedCount(maskId));
        m_committed.push_back(static_cast<double>(rec.committed.size()));
        double sum = 0.0;
        int count = 0;
        for (int32_t p : rec.committed) {
            const size_t i = static_cast<size_t>(p);
            if (i < rec.confidence.size() && std::isfinite(rec.confidence[i])) {
                sum += rec.confidence[i];
                ++count;
            }
        }
        // NaN breaks the line: "nothing committed" must not read as "confidence 0".
        m_meanConfidence.push_back(count > 0 ? sum / count : kNan);
    }
}

void RunPlotsFigure::paint(QPainter *painter, const QSize &size) const
{
    using namespace figure;
    QPainter &p = *painter;
    p.save();
    p.fillRect(QRectF(QPointF(0, 0), QSizeF(size)), kPaper);

    const int n = static_cast<int>(m_masked.size());
    double maxMasked = 1.0, maxCommitted = 1.0, confLo = 0.0, confHi = 1.0;
    for (int r = 0; r < n; ++r) {
        maxMasked = std::max(maxMasked, m_masked[static_cast<size_t>(r)]);
        maxCommitted = std::max(maxCommitted, m_committed[static_cast<size_t>(r)]);
        const double mean = m_meanConfidence[static_cast<size_t>(r)];
        if (!std::isnan(mean)) {
            confLo = std::min(confLo, mean);
            confHi = std::max(confHi, mean);
        }
    }
    // One x axis for all three: only the bottom chart labels it.
    const Axis x {-0.5, std::max(n, 1) - 0.5, false, true, 8, {}, {}};
    const std::array<Axis, 3> ys {{
        {0.0, maxMasked * 1.35, false, false, 5, {}, {}},
        {0.0, maxCommitted * 1.35, false, false, 5, {}, {}},
        {confLo, confHi + 0.35 * (confHi - confLo), false, false, 5, {}, {}},
    }};
    const std::array<QString, 3> titles {
        tr("masked positions"), tr("tokens committed"), tr("mean confidence of committed tokens")};

    // Each title sits in a strip of its own above its chart, never on the data, however short the chart.
    const QFont chartTitleFont = font(11);
    const double titleH = QFontMetricsF(chartTitleFont).height() + 2.0;
    const double top = kMargin;
    const double bottom = size.height() - kMargin - bottomAxisHeight(true, true);
    const double chartH = (bottom - top - 3 * titleH - 2 * kChartGap) / 3.0;
    if (chartH < 4.0) {
        p.restore();
        return;
    }
    // One left margin for all three, so the charts line up.
    std::array<std::vector<double>, 3> yTicks;
    double left = 0.0;
    for (size_t i = 0; i < 3; ++i) {
        yTicks[i] = verticalTicks(ys[i], chartH);
        left = std::max(left, leftAxisWidth(yTicks[i], true, false));
    }
    left += kMargin;
    const double right = size.width() - kMargin - 4.0;
    std::array<Chart, 3> charts;
    for (size_t i = 0; i < 3; ++i) {
        const double chartTop = top + titleH + static_cast<double>(i) * (chartH + titleH + kChartGap);
        charts[i].area = QRectF(
            QPointF(std::round(left), std::round(chartTop)), QPointF(std::round(right), std::round(chartTop + chartH)));
        charts[i].x = x;
        charts[i].y = ys[i];
    }
    charts[2].x.title = tr("record (denoising step)");
    charts[2].x.brief = tr("record");
    const std::vector<double> xTicks = horizontalTicks(x, charts[0].area.width());

    for (size_t i = 0; i < 3; ++i) {
        const Chart &c = charts[i];
        drawGrid(p, c, xTicks, yTicks[i]);
        p.setPen(kInk);
        p.setFont(chartTitleFont);
        p.drawText(QRectF(c.area.left(), c.area.top() - titleH, c.area.width(), titleH - 1.0),
            Qt::AlignLeft | Qt::AlignBottom, titles[i]);
    }

    p.setRenderHint(QPainter::Antialiasing, true);
    // Masked: a step line (each record's count holds until the next record) with a disc per record.
    {
        const Chart &c = charts[0];
        p.save();
        p.setClipRect(c.area);
        QPainterPath path;
        for (int r = 0; r < n; ++r) {
            const QPointF point(c.px(r), c.py(m_masked[static_cast<size_t>(r)]));
            if (r == 0) {
                path.moveTo(point);
            } else {
                path.lineTo(QPointF(point.x(), c.py(m_masked[static_cast<size_t>(r - 1)])));
                path.lineTo(point);
            }
        }
        p.setPen(QPen(colors::kOkabeBlue, 2.0));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        drawDiscs(p, c, m_masked, colors::kOkabeBlue, 4.0);
        p.restore();
    }
    // Committed: bars.
    {
        const Chart &c = charts[1];
        p.save();
        p.setClipRect(c.area);
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(QPen(colors::kNewThisStep.darker(150), 1.0));
        p.setBrush(colors::kNewThisStep);
        for (int r = 0; r < n; ++r) {
            const double v = m_committed[static_cast<size_t>(r)];
            if (v > 0)
                p.drawRect(QRectF(QPointF(c.px(r - 0.35), c.py(v)), QPointF(c.px(r + 0.35), c.py(0.0))));
        }
        p.restore();
    }
    // Mean confidence: a line broken where a record committed nothing.
    {
        const Chart &c = charts[2];
        p.save();
        p.setClipRect(c.area);
        QPainterPath path;
        bool open = false;
        for (int r = 0; r < n; ++r) {
            const double v = m_meanConfidence[static_cast<size_t>(r)];
            if (std::isnan(v)) {
                open = false;
                continue;
            }
            const QPointF point(c.px(r), c.py(v));
            if (open)
                path.lineTo(point);
            else
                path.moveTo(point);
            open = true;
        }
        p.setPen(QPen(colors::kOkabeGreen, 2.0));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        drawDiscs(p, c, m_meanConfidence, colors::kOkabeGreen, 5.0);
        p.restore();
    }
    // The chosen record, through all three.
    if (m_record >= 0 && m_record < n) {
        p.setPen(QPen(QColor(0x30, 0x30, 0x30), 1.5));
        for (const Chart &c : charts)
            p.drawLine(QPointF(c.px(m_record), c.area.top()), QPointF(c.px(m_record), c.area.bottom()));
    }

    for (size_t i = 0; i < 3; ++i) {
        drawLeftAxis(p, charts[i], yTicks[i], true);
        drawBottomAxis(p, charts[i], xTicks, i == 2);
        drawBox(p, charts[i]);
    }
    p.restore();
}

} // namespace dlm
