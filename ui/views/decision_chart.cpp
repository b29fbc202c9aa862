#include "ui/views/decision_chart.h"

#include "ui/document/timeline_document.h"
#include "ui/views/view_sync.h"
#include "ui/figures/color_maps.h"
#include "ui/figures/measure_labels.h"
#include "ui/views/plot_fitting.h"
#include "ui/views/plot_layout.h"
#include "ui/views/plot_theme.h"
#include "core/text/piece_text.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QClipboard>
#include <QMenu>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlm {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

QString fateName(DecisionChart::Fate fate)
{
    switch (fate) {
    case DecisionChart::Fate::Committed:
        return DecisionChart::tr("committed");
    case DecisionChart::Fate::Remasked:
        return DecisionChart::tr("sent back to the mask");
    case DecisionChart::Fate::Kept:
        return DecisionChart::tr("kept (locked)");
    }
    return {};
}

QCPBars *makeBars(QCustomPlot *plot, const QString &name, const QPen &pen, const QBrush &brush)
{
    auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(name);
    bars->setPen(pen);
    bars->setBrush(brush);
    bars->setWidth(0.8);
    return bars;
}

} // namespace

DecisionChart::DecisionChart(QWidget *parent)
    : PlotView(parent)
{
    // Below about 220 px the bars, ticks and summary no longer share the height readably.
    fillWithPlot(280, 220);

    m_plot->plotLayout()->insertRow(0);
    m_title = new QCPTextElement(m_plot, QString(), QFont(font().family(), font().pointSize()));
    m_plot->plotLayout()->addElement(0, 0, m_title);

    m_plot->xAxis->setTicker(integerTicker());
    setAxisTitles(m_plot->xAxis, tr("rank (most confident first)"), tr("rank"));
    m_plot->xAxis->grid()->setVisible(false);

    // Solid for committed, hatched for remasked, cross-hatched for locked: readable in greyscale too.
    m_committedBars
        = makeBars(m_plot, tr("committed"), QPen(colors::kNewThisStep.darker(150), 1.0), QBrush(colors::kNewThisStep));
    m_remaskedBars = makeBars(
        m_plot, tr("sent back to the mask"), QPen(colors::kRemasked, 1.2), QBrush(colors::kRemasked, Qt::BDiagPattern));
    m_keptBars = makeBars(
        m_plot, tr("kept (locked)"), QPen(colors::kLocked, 1.2), QBrush(colors::kLocked, Qt::DiagCrossPattern));

    putLegendBelow(m_plot, 2);

    m_cutLine = new QCPItemStraightLine(m_plot);
    m_cutLine->setPen(QPen(QColor(Qt::black), 1.5, Qt::DashLine));
    m_cutLine->setSelectable(false);
    m_cutLabel = new QCPItemText(m_plot);
    m_cutLabel->setSelectable(false);
    m_cutLabel->setPadding(QMargins(4, 2, 4, 2));
    m_cutLabel->setBrush(QBrush(QColor(255, 255, 255, 220)));
    markAsInk(m_cutLine);
    markAsInk(m_cutLabel);

    rebuild();
    followPalette(); // after every item exists, so marked items get the ink too
}

void DecisionChart::setTimelineBranch(const Timeline &timeline, int branchId)
{
    if (timeline.empty() || branchId < 0 || branchId >= timeline.branchCount()) {
        clear();
        return;
    }
    const Branch &branch = timeline.branch(branchId);
    m_records.assign(branch.records.begin(), branch.records.end());
    m_settings = timeline.settings;
    m_pieceTable.pieces = timeline.pieces;
    rebuild();
}

void DecisionChart::clear()
{
    m_records.clear();
    m_pieceTable.pieces.clear();
    rebuild();
}

void DecisionChart::setCurrentIndex(int index)
{
    m_current = index;
    rebuild();
}

void DecisionChart::rebuild()
{
    const bool valid = m_current >= 0 && m_current < static_cast<int>(m_records.size());
    const StepRecord *record = valid ? m_records[static_cast<size_t>(m_current)].get() : nullptr;
    m_decision = remaskDecision(record, m_current, m_settings);
    const std::vector<RemaskDecision::Bar> &bars = m_decision.bars;
    setWrappedTitle(m_title, m_decision.summary);

    for (Fate fate : {Fate::Committed, Fate::Remasked, Fate::Kept}) {
        QVector<double> keys, values;
        for (size_t i = 0; i < bars.size(); ++i) {
            if (bars[i].fate == fate) {
                keys.push_back(static_cast<double>(i + 1));
                values.push_back(bars[i].confidence);
            }
        }
        barsFor(fate)->setData(keys, values, true);
    }
    // Locked positions are rare; an entry for them would only puzzle.
    if (drawnBarCount(Fate::Kept) > 0)
        m_keptBars->addToLegend();
    else
        m_keptBars->removeFromLegend();

    const int n = barCount();
    m_plot->xAxis->setRange(0.4, std::max(n, 1) + 0.6);
    setAxisTitles(m_plot->yAxis, measureTitle(m_decision.measure), measureBriefTitle(m_decision.measure));
    // Probabilities and margins keep a fixed [0, 1] axis so steps compare at a glance.
    double lo = 0.0, hi = 1.0;
    for (const RemaskDecision::Bar &b : bars) {
        lo = std::min(lo, b.confidence);
        hi = std::max(hi, b.confidence);
    }
    const CutMode cut = m_decision.cutMode;
    const double threshold = m_decision.threshold;
    if (cut == CutMode::Threshold) {
        lo = std::min(lo, threshold);
        hi = std::max(hi, threshold);
    }
    m_plot->yAxis->setRange(lo - 0.02 * (hi - lo), hi + 0.06 * (hi - lo));

    const bool showCut = cut != CutMode::None;
    m_cutLine->setVisible(showCut);
    m_cutLabel->setVisible(showCut);
    if (cut == CutMode::Quota) {
        const double x = quotaCut() + 0.5;
        m_cutLine->point1->setCoords(x, 0.0);
        m_cutLine->point2->setCoords(x, 1.0);
        m_cutLabel->position->setType(QCPItemPosition::ptPlotCoords);
        m_cutLabel->position->setCoords(x, hi + 0.03 * (hi - lo));
        // Keep the label inside the plot when the cut sits near the right edge.
        m_cutLabel->setPositionAlignment(
            quotaCut() * 2 > n ? (Qt::AlignRight | Qt::AlignVCenter) : (Qt::AlignLeft | Qt::AlignVCenter));
        m_cutLabel->setText(
            m_decision.dream ? tr("k = %1").arg(m_decision.quota) : tr("quota %1").arg(m_decision.quota));
    } else if (cut == CutMode::Threshold) {
        m_cutLine->point1->setCoords(0.0, threshold);
        m_cutLine->point2->setCoords(1.0, threshold);
        m_cutLabel->position->setType(QCPItemPosition::ptPlotCoords);
        m_cutLabel->position->setCoords(std::max(n, 1) + 0.6, threshold);
        m_cutLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        m_cutLabel->setText(tr("\u03C4 = %1").arg(threshold, 0, 'f', 2));
    }
    requestReplot();
}

int DecisionChart::committedCount() const
{
    return m_decision.count(Fate::Committed);
}

int DecisionChart::remaskedCount() const
{
    return m_decision.count(Fate::Remasked);
}

int DecisionChart::drawnBarCount(Fate fate) const
{
    return barsFor(fate)->data()->size();
}

int DecisionChart::quotaCut() const
{
    return m_decision.cutMode == CutMode::Quota ? std::min(m_decision.quota, barCount()) : -1;
}

double DecisionChart::thresholdCut() const
{
    return m_decision.cutMode == CutMode::Threshold ? m_decision.threshold : kNan;
}

double DecisionChart::cutLineCoordinate() const
{
    if (!m_cutLine->visible())
        return kNan;
    return m_decision.cutMode == CutMode::Quota ? m_cutLine->point1->coords().x() : m_cutLine->point1->coords().y();
}

QCPBars *DecisionChart::barsFor(Fate fate) const
{
    switch (fate) {
    case Fate::Committed:
        return m_committedBars;
    case Fate::Remasked:
        return m_remaskedBars;
    case Fate::Kept:
        return m_keptBars;
    }
    return m_remaskedBars;
}

int DecisionChart::barAt(const QPointF &pixel) const
{
    if (!m_plot->axisRect()->rect().contains(pixel.toPoint()))
        return -1;
    const int rank = static_cast<int>(std::lround(m_plot->xAxis->pixelToCoord(pixel.x())));
    return rank >= 1 && rank <= barCount() ? rank - 1 : -1;
}

QString DecisionChart::barDetails(int bar) const
{
    const RemaskDecision::Bar &b = m_decision.bars.at(static_cast<size_t>(bar));
    const QString piece = QString::fromStdString(pieceText(m_pieceTable.pieceOf(b.candidate)));
    QString s
        = tr("rank %1: position %2, candidate \"%3\" (id %4)").arg(bar + 1).arg(b.position).arg(piece).arg(b.candidate);
    s += QLatin1Char('\n') + tr("confidence %1").arg(b.confidence, 0, 'f', 4);
    if (m_settings.measure != ConfidenceMeasure::LowConfidence && !std::isnan(b.probability))
        s += QLatin1Char('\n') + tr("p(candidate) %1").arg(b.probability, 0, 'f', 4);
    return s + QLatin1Char('\n') + fateName(b.fate);
}

QString DecisionChart::summary() const
{
    return m_decision.summary;
}

void DecisionChart::plotMousePress(QMouseEvent *event)
{
    const int bar = barAt(event->position());
    if (bar < 0)
        return;
    if (event->button() == Qt::LeftButton) {
        Q_EMIT positionClicked(barPosition(bar));
    } else if (event->button() == Qt::RightButton) {
        // Hover text vanishes with the mouse; the menu makes the same numbers copyable.
        QMenu menu(this);
        const QString details = barDetails(bar);
        QAction *copy = menu.addAction(tr("Copy bar details"));
        if (menu.exec(event->globalPosition().toPoint()) == copy)
            QApplication::clipboard()->setText(details);
    }
}

void DecisionChart::plotMouseMove(QMouseEvent *event)
{
    const int bar = barAt(event->position());
    if (bar >= 0)
        QToolTip::showText(event->globalPosition().toPoint(), barDetails(bar), m_plot);
    else
        QToolTip::hideText();
}

void DecisionChart::showBranch(const TimelineDocument &document)
{
    if (document.isEmpty())
        clear();
    else
        setTimelineBranch(document.timeline(), document.branch());
}

void DecisionChart::showCursor(const TimelineDocument &document)
{
    setCurrentIndex(document.index());
}

void DecisionChart::connectTo(ViewSync &sync)
{
    connect(this, &DecisionChart::positionClicked, &sync, &ViewSync::selectPosition);
}

} // namespace dlm
