#include "ui/views/decision_chart.h"

#include "ui/document/timeline_document.h"
#include "ui/views/view_sync.h"
#include "ui/views/color_maps.h"
#include "ui/views/measure_labels.h"
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

// The axis Dream's confidence is drawn on: its algorithms measure what LLaDA's measures of the same name do.
ConfidenceMeasure dreamMeasure(DreamAlg alg)
{
    switch (alg) {
    case DreamAlg::TopkMargin:
        return ConfidenceMeasure::Margin;
    case DreamAlg::Entropy:
        return ConfidenceMeasure::Entropy;
    case DreamAlg::Origin:
    case DreamAlg::MaskgitPlus:
        return ConfidenceMeasure::LowConfidence;
    }
    return ConfidenceMeasure::LowConfidence;
}

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

QString DecisionChart::dreamSummary(const StepRecord &r) const
{
    const QString grid = tr("t=%1 \u2192 s=%2").arg(r.scheduleT, 0, 'g', 3).arg(r.scheduleS, 0, 'g', 3);
    if (r.dreamAlg == DreamAlg::Origin) {
        const double p = r.scheduleT > 0 ? 1.0 - r.scheduleS / r.scheduleT : 1.0;
        return tr("origin: independent reveals with p = 1 \u2212 s/t = %1 (%2)").arg(p, 0, 'g', 3).arg(grid);
    }
    const QString how = m_settings.algTemp > 0
        ? tr(", positions drawn from softmax(confidence / %1)").arg(m_settings.algTemp, 0, 'g', 3)
        : QString();
    return tr("%1: k = %2 from the schedule at %3%4")
        .arg(QString::fromUtf8(dreamAlgName(r.dreamAlg)))
        .arg(r.transferCount)
        .arg(grid, how);
}

void DecisionChart::rebuild()
{
    m_bars.clear();
    m_cutMode = CutMode::None;
    m_quota = -1;
    const bool valid = m_current >= 0 && m_current < static_cast<int>(m_records.size());
    const StepRecord *record = valid ? m_records[static_cast<size_t>(m_current)].get() : nullptr;

    if (!record) {
        m_summary = tr("No record selected");
    } else if (record->kind == RecordKind::Initial) {
        m_summary = tr("Record %1 is the canvas before the first step: no decision yet").arg(m_current);
    } else if (record->kind == RecordKind::Edit) {
        m_summary = tr("Record %1 is a user edit: the sampler made no decision").arg(m_current);
    } else {
        collectBars(*record);
        placeCut(*record);
        const QString head = tr("Step %1, block %2: %3 of %4 committed")
                                 .arg(record->denoiseStep)
                                 .arg(record->block)
                                 .arg(committedCount())
                                 .arg(barCount());
        if (record->sampler == SamplerKind::Dream)
            m_summary = head + QStringLiteral(" \u2014 ") + dreamSummary(*record);
        else if (m_cutMode == CutMode::Threshold)
            m_summary = head + tr(" (confidence \u2265 \u03C4 = %1, at least one)").arg(m_threshold, 0, 'f', 2);
        else
            m_summary = head + tr(" (quota %1)").arg(record->quota);
    }
    setWrappedTitle(m_title, m_summary);

    for (Fate fate : {Fate::Committed, Fate::Remasked, Fate::Kept}) {
        QVector<double> keys, values;
        for (size_t i = 0; i < m_bars.size(); ++i) {
            if (m_bars[i].fate == fate) {
                keys.push_back(static_cast<double>(i + 1));
                values.push_back(m_bars[i].confidence);
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
    const ConfidenceMeasure shown
        = m_settings.sampler == SamplerKind::Dream ? dreamMeasure(m_settings.alg) : m_settings.measure;
    setAxisTitles(m_plot->yAxis, measureTitle(shown), measureBriefTitle(shown));
    // Probabilities and margins keep a fixed [0, 1] axis so steps compare at a glance.
    double lo = 0.0, hi = 1.0;
    for (const Bar &b : m_bars) {
        lo = std::min(lo, b.confidence);
        hi = std::max(hi, b.confidence);
    }
    if (m_cutMode == CutMode::Threshold) {
        lo = std::min(lo, m_threshold);
        hi = std::max(hi, m_threshold);
    }
    m_plot->yAxis->setRange(lo - 0.02 * (hi - lo), hi + 0.06 * (hi - lo));

    const bool showCut = m_cutMode != CutMode::None;
    m_cutLine->setVisible(showCut);
    m_cutLabel->setVisible(showCut);
    if (m_cutMode == CutMode::Quota) {
        const double x = quotaCut() + 0.5;
        m_cutLine->point1->setCoords(x, 0.0);
        m_cutLine->point2->setCoords(x, 1.0);
        m_cutLabel->position->setType(QCPItemPosition::ptPlotCoords);
        m_cutLabel->position->setCoords(x, hi + 0.03 * (hi - lo));
        // Keep the label inside the plot when the cut sits near the right edge.
        m_cutLabel->setPositionAlignment(
            quotaCut() * 2 > n ? (Qt::AlignRight | Qt::AlignVCenter) : (Qt::AlignLeft | Qt::AlignVCenter));
        m_cutLabel->setText(
            record && record->sampler == SamplerKind::Dream ? tr("k = %1").arg(m_quota) : tr("quota %1").arg(m_quota));
    } else if (m_cutMode == CutMode::Threshold) {
        m_cutLine->point1->setCoords(0.0, m_threshold);
        m_cutLine->point2->setCoords(1.0, m_threshold);
        m_cutLabel->position->setType(QCPItemPosition::ptPlotCoords);
        m_cutLabel->position->setCoords(std::max(n, 1) + 0.6, m_threshold);
        m_cutLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        m_cutLabel->setText(tr("\u03C4 = %1").arg(m_threshold, 0, 'f', 2));
    }
    requestReplot();
}

void DecisionChart::collectBars(const StepRecord &record)
{
    for (int p = 0; p < record.length(); ++p) {
        if (!record.considered(p))
            continue;
        const size_t i = static_cast<size_t>(p);
        const double c = i < record.confidence.size() ? record.confidence[i] : kNan;
        if (!std::isfinite(c))
            continue;
        Bar bar;
        bar.position = p;
        bar.candidate = record.candidates[i];
        bar.confidence = c;
        bar.probability = i < record.probability.size() ? record.probability[i] : kNan;
        const bool committed = std::find(record.committed.begin(), record.committed.end(), p) != record.committed.end();
        const bool remasked = std::find(record.remasked.begin(), record.remasked.end(), p) != record.remasked.end();
        bar.fate = committed ? Fate::Committed : (remasked ? Fate::Remasked : Fate::Kept);
        m_bars.push_back(bar);
    }
    // Ties keep canvas order, which is also the order the sampler's stable sort breaks them in.
    std::stable_sort(
        m_bars.begin(), m_bars.end(), [](const Bar &a, const Bar &b) { return a.confidence > b.confidence; });
}

void DecisionChart::placeCut(const StepRecord &record)
{
    if (record.sampler == SamplerKind::Dream) { // origin reveals independently of confidence: no cut to draw
        m_cutMode = record.dreamAlg == DreamAlg::Origin ? CutMode::None : CutMode::Quota;
        m_quota = record.transferCount;
    } else if (record.quota >= 0) {
        m_cutMode = CutMode::Quota;
        m_quota = record.quota;
    } else {
        m_cutMode = CutMode::Threshold;
        m_threshold = record.threshold;
    }
}

int DecisionChart::committedCount() const
{
    return static_cast<int>(
        std::count_if(m_bars.begin(), m_bars.end(), [](const Bar &b) { return b.fate == Fate::Committed; }));
}

int DecisionChart::remaskedCount() const
{
    return static_cast<int>(
        std::count_if(m_bars.begin(), m_bars.end(), [](const Bar &b) { return b.fate == Fate::Remasked; }));
}

int DecisionChart::drawnBarCount(Fate fate) const
{
    return barsFor(fate)->data()->size();
}

int DecisionChart::quotaCut() const
{
    return m_cutMode == CutMode::Quota ? std::min(m_quota, barCount()) : -1;
}

double DecisionChart::thresholdCut() const
{
    return m_cutMode == CutMode::Threshold ? m_threshold : kNan;
}

double DecisionChart::cutLineCoordinate() const
{
    if (!m_cutLine->visible())
        return kNan;
    return m_cutMode == CutMode::Quota ? m_cutLine->point1->coords().x() : m_cutLine->point1->coords().y();
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
    const Bar &b = m_bars.at(static_cast<size_t>(bar));
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
    return m_summary;
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
