#include "ui/views/run_plots.h"

#include "ui/document/timeline_document.h"
#include "ui/views/view_sync.h"
#include "ui/figures/color_maps.h"
#include "ui/views/plot_fitting.h"
#include "ui/views/plot_layout.h"
#include "ui/views/plot_theme.h"

#include <qcustomplot.h>

#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlm {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

enum Chart { ChartMasked, ChartCommitted, ChartConfidence, ChartCount };

std::vector<double> values(const QCPDataContainer<QCPGraphData> &data)
{
    std::vector<double> out;
    for (auto it = data.constBegin(); it != data.constEnd(); ++it)
        out.push_back(it->value);
    return out;
}

} // namespace

RunPlots::RunPlots(QWidget *parent)
    : PlotView(parent)
{
    // Three charts, each with a title row: below about 260 px a chart is too short for two tick labels.
    fillWithPlot(260, 260);

    m_plot->plotLayout()->clear();
    m_plot->plotLayout()->setRowSpacing(0);
    auto *margins = new QCPMarginGroup(m_plot);
    const QString titles[ChartCount]
        = {tr("masked positions"), tr("tokens committed"), tr("mean confidence of committed tokens")};
    for (int row = 0; row < ChartCount; ++row) {
        QCPAxisRect *rect = addChart(row, titles[row]);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    }
    // One x axis for all three: only the bottom chart labels it.
    QCPAxis *bottom = m_rects.back()->axis(QCPAxis::atBottom);
    bottom->setTickLabels(true);
    setAxisTitles(bottom, tr("record (denoising step)"), tr("record"));

    m_masked
        = m_plot->addGraph(m_rects[ChartMasked]->axis(QCPAxis::atBottom), m_rects[ChartMasked]->axis(QCPAxis::atLeft));
    m_masked->setPen(QPen(colors::kOkabeBlue, 2.0));
    m_masked->setLineStyle(QCPGraph::lsStepLeft);
    m_masked->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colors::kOkabeBlue, colors::kOkabeBlue, 4));

    m_committed
        = new QCPBars(m_rects[ChartCommitted]->axis(QCPAxis::atBottom), m_rects[ChartCommitted]->axis(QCPAxis::atLeft));
    m_committed->setPen(QPen(colors::kNewThisStep.darker(150), 1.0));
    m_committed->setBrush(colors::kNewThisStep);
    m_committed->setWidth(0.7);

    m_meanConfidence = m_plot->addGraph(
        m_rects[ChartConfidence]->axis(QCPAxis::atBottom), m_rects[ChartConfidence]->axis(QCPAxis::atLeft));
    m_meanConfidence->setPen(QPen(colors::kOkabeGreen, 2.0));
    m_meanConfidence->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDisc, colors::kOkabeGreen, colors::kOkabeGreen, 5));

    rebuild();
    followPalette(); // after every item exists, so marked items get the ink too
}

QCPAxisRect *RunPlots::addChart(int row, const QString &title)
{
    auto *rect = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(row, 0, rect);
    rect->setupFullAxesBox(false);
    rect->axis(QCPAxis::atBottom)->setTickLabels(false);
    rect->axis(QCPAxis::atRight)->setTickLabels(false);
    rect->axis(QCPAxis::atTop)->setTickLabels(false);
    rect->axis(QCPAxis::atBottom)->setTicker(integerTicker());
    rect->axis(QCPAxis::atLeft)->ticker()->setTickCount(3);
    // Each title sits in a strip of top margin of its own, never on the data, however short the chart.
    QFont titleFont = m_plot->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 0.9);
    const int titleHeight = QFontMetrics(titleFont).height() + 2;
    rect->setAutoMargins(QCP::msLeft | QCP::msRight | (row == ChartCount - 1 ? QCP::msBottom : QCP::msNone));
    rect->setMargins(QMargins(0, titleHeight, 0, 4));

    auto *label = new QCPItemText(m_plot);
    label->setClipToAxisRect(false);
    label->position->setType(QCPItemPosition::ptAxisRectRatio);
    label->position->setAxisRect(rect);
    label->position->setCoords(0.0, 0.0);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    label->setFont(titleFont);
    label->setText(title);
    label->setPadding(QMargins(0, 0, 0, 1));
    label->setSelectable(false);

    auto *line = new QCPItemStraightLine(m_plot);
    line->setClipAxisRect(rect);
    line->point1->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    line->point2->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    line->setPen(QPen(QColor(0x30, 0x30, 0x30), 1.5));
    line->setSelectable(false);
    markAsInk(label);
    markAsInk(line);

    m_rects.push_back(rect);
    m_currentLines.push_back(line);
    return rect;
}

void RunPlots::setTimelineBranch(const Timeline &timeline, int branchId)
{
    if (timeline.empty() || branchId < 0 || branchId >= timeline.branchCount()) {
        clear();
        return;
    }
    const Branch &branch = timeline.branch(branchId);
    m_records.assign(branch.records.begin(), branch.records.end());
    m_settings = timeline.settings;
    m_maskId = timeline.model.maskId;
    rebuild();
}

void RunPlots::clear()
{
    m_records.clear();
    rebuild();
}

void RunPlots::setCurrentIndex(int index)
{
    m_current = index;
    updateCurrentLines();
}

void RunPlots::rebuild()
{
    const int n = recordCount();
    QVector<double> keys, masked, committed, confidence;
    double maxMasked = 1.0, maxCommitted = 1.0;
    double confLo = 0.0, confHi = 1.0;
    for (int r = 0; r < n; ++r) {
        const StepRecord &rec = *m_records[static_cast<size_t>(r)];
        keys.push_back(r);
        masked.push_back(rec.maskedCount(m_maskId));
        committed.push_back(static_cast<double>(rec.committed.size()));
        double sum = 0.0;
        int count = 0;
        for (int32_t p : rec.committed) {
            if (static_cast<size_t>(p) < rec.confidence.size()
                && std::isfinite(rec.confidence[static_cast<size_t>(p)])) {
                sum += rec.confidence[static_cast<size_t>(p)];
                ++count;
            }
        }
        // NaN breaks the line: "nothing committed" must not read as "confidence 0".
        const double mean = count > 0 ? sum / count : kNan;
        confidence.push_back(mean);
        maxMasked = std::max(maxMasked, masked.back());
        maxCommitted = std::max(maxCommitted, committed.back());
        if (!std::isnan(mean)) {
            confLo = std::min(confLo, mean);
            confHi = std::max(confHi, mean);
        }
    }
    m_masked->setData(keys, masked, true);
    m_committed->setData(keys, committed, true);
    m_meanConfidence->setData(keys, confidence, true);

    m_rects[ChartMasked]->axis(QCPAxis::atLeft)->setRange(0.0, maxMasked * 1.35);
    m_rects[ChartCommitted]->axis(QCPAxis::atLeft)->setRange(0.0, maxCommitted * 1.35);
    m_rects[ChartConfidence]->axis(QCPAxis::atLeft)->setRange(confLo, confHi + 0.35 * (confHi - confLo));
    for (QCPAxisRect *rect : m_rects)
        rect->axis(QCPAxis::atBottom)->setRange(-0.5, std::max(n, 1) - 0.5);
    if (m_current >= n)
        m_current = n - 1;
    updateCurrentLines();
}

void RunPlots::updateCurrentLines()
{
    const bool show = m_current >= 0 && m_current < recordCount();
    for (QCPItemStraightLine *line : m_currentLines) {
        line->setVisible(show);
        line->point1->setCoords(m_current, 0.0);
        line->point2->setCoords(m_current, 1.0);
    }
    requestReplot();
}

std::vector<double> RunPlots::maskedSeries() const
{
    return values(*m_masked->data());
}

std::vector<double> RunPlots::committedSeries() const
{
    std::vector<double> out;
    for (auto it = m_committed->data()->constBegin(); it != m_committed->data()->constEnd(); ++it)
        out.push_back(it->value);
    return out;
}

std::vector<double> RunPlots::meanConfidenceSeries() const
{
    return values(*m_meanConfidence->data());
}

double RunPlots::currentLineX() const
{
    return m_currentLines.front()->visible() ? m_currentLines.front()->point1->coords().x() : kNan;
}

bool RunPlots::axesAligned() const
{
    const QCPRange first = m_rects.front()->axis(QCPAxis::atBottom)->range();
    for (QCPAxisRect *rect : m_rects) {
        if (rect->axis(QCPAxis::atBottom)->range() != first)
            return false;
    }
    return true;
}

int RunPlots::recordAt(const QPointF &pixel) const
{
    for (QCPAxisRect *rect : m_rects) {
        if (!rect->rect().contains(pixel.toPoint()))
            continue;
        const int r = static_cast<int>(std::lround(rect->axis(QCPAxis::atBottom)->pixelToCoord(pixel.x())));
        return r >= 0 && r < recordCount() ? r : -1;
    }
    return -1;
}

QString RunPlots::recordDetails(int index) const
{
    const StepRecord &rec = *m_records[static_cast<size_t>(index)];
    QString s = tr("record %1 (%2, step %3)")
                    .arg(index)
                    .arg(QString::fromLatin1(recordKindName(rec.kind)))
                    .arg(rec.denoiseStep);
    s += QLatin1Char('\n') + tr("masked: %1").arg(rec.maskedCount(m_maskId));
    s += QLatin1Char('\n') + tr("committed: %1").arg(rec.committed.size());
    const double mean = meanConfidenceSeries().at(static_cast<size_t>(index));
    if (!std::isnan(mean))
        s += QLatin1Char('\n') + tr("mean confidence: %1").arg(mean, 0, 'f', 4);
    return s;
}

void RunPlots::plotMousePress(QMouseEvent *event)
{
    const int r = recordAt(event->position());
    if (r >= 0 && event->button() == Qt::LeftButton)
        Q_EMIT recordClicked(r);
}

void RunPlots::plotMouseMove(QMouseEvent *event)
{
    const int r = recordAt(event->position());
    if (r >= 0)
        QToolTip::showText(event->globalPosition().toPoint(), recordDetails(r), m_plot);
    else
        QToolTip::hideText();
}

void RunPlots::showBranch(const TimelineDocument &document)
{
    if (document.isEmpty())
        clear();
    else
        setTimelineBranch(document.timeline(), document.branch());
}

void RunPlots::showCursor(const TimelineDocument &document)
{
    setCurrentIndex(document.index());
}

void RunPlots::connectTo(ViewSync &sync)
{
    connect(this, &RunPlots::recordClicked, &sync, &ViewSync::goTo);
}

} // namespace dlm
