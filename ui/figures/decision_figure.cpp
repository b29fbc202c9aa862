#include "ui/figures/decision_figure.h"

#include "ui/figures/color_maps.h"
#include "ui/figures/figure_style.h"
#include "ui/figures/measure_labels.h"
#include "ui/figures/plot_painter.h"

#include <QCoreApplication>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlm {

namespace {

constexpr double kMargin = 8.0;
constexpr double kBarWidth = 0.8;

QString tr(const char *text)
{
    return QCoreApplication::translate("dlm::DecisionChart", text);
}

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

/** Dream's decision in its own terms: "k = 3 from the schedule at t=0.62 -> s=0.55", or origin's reveals. */
QString dreamSummary(const StepRecord &r, const GenerationSettings &settings)
{
    const QString grid = tr("t=%1 \u2192 s=%2").arg(r.scheduleT, 0, 'g', 3).arg(r.scheduleS, 0, 'g', 3);
    if (r.dreamAlg == DreamAlg::Origin) {
        const double p = r.scheduleT > 0 ? 1.0 - r.scheduleS / r.scheduleT : 1.0;
        return tr("origin: independent reveals with p = 1 \u2212 s/t = %1 (%2)").arg(p, 0, 'g', 3).arg(grid);
    }
    const QString how = settings.algTemp > 0
        ? tr(", positions drawn from softmax(confidence / %1)").arg(settings.algTemp, 0, 'g', 3)
        : QString();
    return tr("%1: k = %2 from the schedule at %3%4")
        .arg(QString::fromUtf8(dreamAlgName(r.dreamAlg)))
        .arg(r.transferCount)
        .arg(grid, how);
}

struct FateStyle
{
    QPen pen;
    QColor fill; ///< solid fill; invalid: hatched in the pen's colour
    bool crossed = false;
};

FateStyle styleOf(RemaskDecision::Fate fate)
{
    // Solid for committed, hatched for remasked, cross-hatched for locked: readable in greyscale too.
    switch (fate) {
    case RemaskDecision::Fate::Committed:
        return {QPen(colors::kNewThisStep.darker(150), 1.0), colors::kNewThisStep, false};
    case RemaskDecision::Fate::Remasked:
        return {QPen(colors::kRemasked, 1.2), QColor(), false};
    case RemaskDecision::Fate::Kept:
        return {QPen(colors::kLocked, 1.2), QColor(), true};
    }
    return {};
}

void drawBar(QPainter &p, const QRectF &rect, RemaskDecision::Fate fate)
{
    const FateStyle s = styleOf(fate);
    if (s.fill.isValid())
        p.fillRect(rect, s.fill);
    else
        figure::drawHatch(p, rect, s.pen.color(), s.crossed);
    p.setPen(s.pen);
    p.setBrush(Qt::NoBrush);
    p.drawRect(rect);
}

} // namespace

int RemaskDecision::count(Fate fate) const
{
    return static_cast<int>(std::count_if(bars.begin(), bars.end(), [fate](const Bar &b) { return b.fate == fate; }));
}

RemaskDecision remaskDecision(const Timeline &timeline, int branchId, int index)
{
    const Branch &branch = timeline.branch(branchId);
    const StepRecord *record = index >= 0 && index < branch.size() ? &branch.at(index) : nullptr;
    return remaskDecision(record, index, timeline.settingsFor(branchId));
}

RemaskDecision remaskDecision(const StepRecord *record, int index, const GenerationSettings &settings)
{
    RemaskDecision d;
    d.measure = settings.sampler == SamplerKind::Dream ? dreamMeasure(settings.alg) : settings.measure;
    if (!record) {
        d.summary = tr("No record selected");
        return d;
    }
    if (record->kind == RecordKind::Initial) {
        d.summary = tr("Record %1 is the canvas before the first step: no decision yet").arg(index);
        return d;
    }
    if (record->kind == RecordKind::Edit) {
        d.summary = tr("Record %1 is a user edit: the sampler made no decision").arg(index);
        return d;
    }
    for (int p = 0; p < record->length(); ++p) {
        if (!record->considered(p))
            continue;
        const size_t i = static_cast<size_t>(p);
        if (i >= record->confidence.size() || !std::isfinite(record->confidence[i]))
            continue;
        RemaskDecision::Bar bar;
        bar.position = p;
        bar.candidate = record->candidates[i];
        bar.confidence = record->confidence[i];
        bar.probability
            = i < record->probability.size() ? record->probability[i] : std::numeric_limits<double>::quiet_NaN();
        const bool committed
            = std::find(record->committed.begin(), record->committed.end(), p) != record->committed.end();
        const bool remasked = std::find(record->remasked.begin(), record->remasked.end(), p) != record->remasked.end();
        bar.fate = committed ? RemaskDecision::Fate::Committed
                             : (remasked ? RemaskDecision::Fate::Remasked : RemaskDecision::Fate::Kept);
        d.bars.push_back(bar);
    }
    // Ties keep canvas order, which is also the order the sampler's stable sort breaks them in.
    std::stable_sort(d.bars.begin(), d.bars.end(),
        [](const RemaskDecision::Bar &a, const RemaskDecision::Bar &b) { return a.confidence > b.confidence; });

    d.dream = record->sampler == SamplerKind::Dream;
    if (d.dream) { // origin reveals independently of confidence: no cut to draw
        d.cutMode
            = record->dreamAlg == DreamAlg::Origin ? RemaskDecision::CutMode::None : RemaskDecision::CutMode::Quota;
        d.quota = record->transferCount;
    } else if (record->quota >= 0) {
        d.cutMode = RemaskDecision::CutMode::Quota;
        d.quota = record->quota;
    } else {
        d.cutMode = RemaskDecision::CutMode::Threshold;
        d.threshold = record->threshold;
    }
    const QString head = tr("Step %1, block %2: %3 of %4 committed")
                             .arg(record->denoiseStep)
                             .arg(record->block)
                             .arg(d.count(RemaskDecision::Fate::Committed))
                             .arg(static_cast<int>(d.bars.size()));
    if (d.dream)
        d.summary = head + QStringLiteral(" \u2014 ") + dreamSummary(*record, settings);
    else if (d.cutMode == RemaskDecision::CutMode::Threshold)
        d.summary = head + tr(" (confidence \u2265 \u03C4 = %1, at least one)").arg(d.threshold, 0, 'f', 2);
    else
        d.summary = head + tr(" (quota %1)").arg(record->quota);
    return d;
}

DecisionFigure::DecisionFigure(const Timeline &timeline, int branch, int record)
    : m_decision(remaskDecision(timeline, branch, record))
{
}

void DecisionFigure::paint(QPainter *painter, const QSize &size) const
{
    using namespace figure;
    using Fate = RemaskDecision::Fate;
    using CutMode = RemaskDecision::CutMode;
    const RemaskDecision &d = m_decision;
    QPainter &p = *painter;
    p.save();
    p.fillRect(QRectF(QPointF(0, 0), QSizeF(size)), kPaper);

    const int n = static_cast<int>(d.bars.size());
    // Probabilities and margins keep a fixed [0, 1] axis so steps compare at a glance.
    double lo = 0.0, hi = 1.0;
    for (const RemaskDecision::Bar &b : d.bars) {
        lo = std::min(lo, b.confidence);
        hi = std::max(hi, b.confidence);
    }
    if (d.cutMode == CutMode::Threshold) {
        lo = std::min(lo, d.threshold);
        hi = std::max(hi, d.threshold);
    }
    Chart chart;
    chart.x = {0.4, std::max(n, 1) + 0.6, false, true, 12, tr("rank (most confident first)"), tr("rank")};
    chart.y = {lo - 0.02 * (hi - lo), hi + 0.06 * (hi - lo), false, false, 6, measureTitle(d.measure),
        measureBriefTitle(d.measure)};

    std::vector<LegendEntry> legend;
    auto barKey = [](Fate fate) {
        return [fate](QPainter &q, const QRectF &icon) { drawBar(q, icon.adjusted(3, 1, -3, -1), fate); };
    };
    legend.push_back({tr("committed"), barKey(Fate::Committed)});
    legend.push_back({tr("sent back to the mask"), barKey(Fate::Remasked)});
    // Locked positions are rare; an entry for them would only puzzle.
    if (d.count(Fate::Kept) > 0)
        legend.push_back({tr("kept (locked)"), barKey(Fate::Kept)});

    const QFont summaryFont = titleFont();
    const QFontMetricsF fm(summaryFont);
    const QString summary = wrapText(d.summary, fm, size.width() - 2 * kMargin);
    const double summaryH = fm.height() * (summary.count(QLatin1Char('\n')) + 1);
    const double legendH = legendHeight(legend, size.width() - 2 * kMargin);
    const double top = kMargin + summaryH + 6.0;
    const double bottom = size.height() - kMargin - legendH - bottomAxisHeight(true, true);
    const std::vector<double> yTicks = verticalTicks(chart.y, bottom - top);
    const double left = kMargin + leftAxisWidth(yTicks, true, true);
    const double right = size.width() - kMargin - 4.0;
    chart.area = QRectF(QPointF(std::round(left), std::round(top)), QPointF(std::round(right), std::round(bottom)));

    p.setPen(kInk);
    p.setFont(summaryFont);
    p.drawText(
        QRectF(kMargin, kMargin, size.width() - 2 * kMargin, summaryH), Qt::AlignHCenter | Qt::AlignTop, summary);
    if (chart.area.width() < 2 || chart.area.height() < 2) {
        p.restore();
        return;
    }
    const std::vector<double> xTicks = horizontalTicks(chart.x, chart.area.width());
    drawGrid(p, chart, {}, yTicks);

    p.save();
    p.setClipRect(chart.area);
    p.setRenderHint(QPainter::Antialiasing, false);
    for (int i = 0; i < n; ++i) {
        const RemaskDecision::Bar &b = d.bars[static_cast<size_t>(i)];
        const double x = i + 1;
        const QRectF rect = QRectF(QPointF(chart.px(x - kBarWidth / 2), chart.py(b.confidence)),
            QPointF(chart.px(x + kBarWidth / 2), chart.py(0.0)))
                                .normalized();
        drawBar(p, rect, b.fate);
    }
    p.restore();

    if (d.cutMode != CutMode::None) {
        const int cut = std::min(d.quota, n);
        QPointF anchor;
        Qt::Alignment align;
        QString label;
        p.setPen(QPen(kInk, 1.5, Qt::DashLine));
        if (d.cutMode == CutMode::Quota) {
            const double x = chart.px(cut + 0.5);
            p.drawLine(QPointF(x, chart.area.top()), QPointF(x, chart.area.bottom()));
            anchor = QPointF(x, chart.py(hi + 0.03 * (hi - lo)));
            // Keep the label inside the plot when the cut sits near the right edge.
            align = cut * 2 > n ? (Qt::AlignRight | Qt::AlignVCenter) : (Qt::AlignLeft | Qt::AlignVCenter);
            label = d.dream ? tr("k = %1").arg(d.quota) : tr("quota %1").arg(d.quota);
        } else {
            const double y = chart.py(d.threshold);
            p.drawLine(QPointF(chart.area.left(), y), QPointF(chart.area.right(), y));
            anchor = QPointF(chart.area.right(), y);
            align = Qt::AlignRight | Qt::AlignBottom;
            label = tr("\u03C4 = %1").arg(d.threshold, 0, 'f', 2);
        }
        p.setFont(titleFont());
        const QSizeF textSize = QFontMetricsF(titleFont()).size(Qt::TextSingleLine, label) + QSizeF(8, 4);
        QRectF box(anchor, textSize);
        if (align & Qt::AlignRight)
            box.moveRight(anchor.x());
        if (align & Qt::AlignVCenter)
            box.moveTop(anchor.y() - textSize.height() / 2);
        else if (align & Qt::AlignBottom)
            box.moveBottom(anchor.y());
        p.fillRect(box, QColor(255, 255, 255, 220));
        p.setPen(kInk);
        p.drawText(box, Qt::AlignCenter, label);
    }

    drawLeftAxis(p, chart, yTicks, true);
    drawBottomAxis(p, chart, xTicks, true);
    drawLegend(p, legend, QRectF(kMargin, size.height() - kMargin - legendH, size.width() - 2 * kMargin, legendH));
    p.restore();
}

} // namespace dlm
