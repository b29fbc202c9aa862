#include "ui/figures/canvas_figure.h"

#include "core/text/piece_text.h"
#include "ui/figures/canvas_chips.h"
#include "ui/figures/committed_probabilities.h"
#include "ui/figures/figure_style.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>

namespace dlm {

CanvasFigure::CanvasFigure(const Timeline &timeline, int branch)
    : m_timeline(timeline)
    , m_branch(branch)
    , m_painter(figure::font())
    , m_titleFont(figure::font(12, true))
{
    m_painter.setPalette(figure::palette());
    // The planned count, as the step controls show it; threshold runs decide their count as they go, so
    // there the branch's own last step is the total.
    const Branch &b = m_timeline.branch(branch);
    const GenerationSettings &settings = m_timeline.settingsFor(branch);
    m_plannedSteps = settings.useThreshold || b.records.empty() ? 0 : settings.steps;
    if (!b.records.empty())
        m_plannedSteps = std::max(m_plannedSteps, b.last().denoiseStep);
    setRecord(0);
}

int CanvasFigure::recordCount() const
{
    return m_timeline.branch(m_branch).size();
}

const QString &CanvasFigure::displayText(int32_t id) const
{
    auto it = m_displayText.constFind(id);
    if (it == m_displayText.constEnd())
        it = m_displayText.insert(id, QString::fromStdString(pieceText(m_timeline.pieceOf(id))));
    return *it;
}

const QString &CanvasFigure::rawPiece(int32_t id) const
{
    auto it = m_rawPiece.constFind(id);
    if (it == m_rawPiece.constEnd())
        it = m_rawPiece.insert(id, QString::fromStdString(m_timeline.pieceOf(id)));
    return *it;
}

void CanvasFigure::setRecord(int index)
{
    const Branch &branch = m_timeline.branch(m_branch);
    if (index < 0 || index >= branch.size())
        return;
    // Animations walk the records in order: carrying the probabilities one record forward keeps a GIF of n
    // records O(n) (recomputing them from the first record made it O(n^2): 131 s before the first frame of
    // a 100k-record GIF).
    const StepRecord &record = branch.at(index);
    if (index == m_probabilitiesIndex + 1 && record.length() == static_cast<int>(m_probabilities.size()))
        applyCommittedProbabilities(record, m_probabilities);
    else
        m_probabilities = committedProbabilities(branch, index);
    m_probabilitiesIndex = index;
    m_index = index;

    ChipSpelling spelling;
    spelling.pieceText = [this](int32_t id) { return displayText(id); };
    spelling.rawPiece = [this](int32_t id) { return rawPiece(id); };
    spelling.maskId = m_timeline.model.maskId;
    spelling.isSpecial = [this](int32_t id) { return m_timeline.isSpecial(id); };
    m_chips = canvasChips(record, spelling, m_probabilities);
    m_widths.clear();
    m_widths.reserve(m_chips.size());
    for (const TokenChip &chip : m_chips)
        m_widths.push_back(m_painter.chipWidth(chip));
}

QString CanvasFigure::title() const
{
    const Branch &branch = m_timeline.branch(m_branch);
    if (m_index < 0 || m_index >= branch.size())
        return {};
    const StepRecord &r = branch.at(m_index);
    const QString kind = r.kind == RecordKind::Edit ? QStringLiteral(", edit") : QString();
    return QStringLiteral("step %1 / %2%3 \u2014 %4 masked")
        .arg(r.denoiseStep)
        .arg(m_plannedSteps)
        .arg(kind)
        .arg(r.maskedCount(m_timeline.model.maskId));
}

int CanvasFigure::titleHeight() const
{
    return kCanvasMargin + QFontMetrics(m_titleFont).height();
}

int CanvasFigure::heightForWidth(int width) const
{
    return titleHeight() + layoutCanvasChips(m_chips, m_widths, m_painter.chipHeight(), width);
}

void CanvasFigure::paint(QPainter *painter, const QSize &size) const
{
    painter->save();
    painter->fillRect(QRect(QPoint(0, 0), size), figure::kPaper);
    painter->setPen(figure::kInk);
    painter->setFont(m_titleFont);
    painter->drawText(
        QRect(kCanvasMargin, kCanvasMargin, size.width() - 2 * kCanvasMargin, titleHeight() - kCanvasMargin),
        Qt::AlignLeft | Qt::AlignVCenter, title());
    std::vector<QRectF> rects;
    layoutCanvasChips(m_chips, m_widths, m_painter.chipHeight(), size.width(), &rects);
    painter->translate(0, titleHeight());
    for (size_t i = 0; i < m_chips.size(); ++i) {
        TokenChip chip = m_chips[i];
        chip.rect = rects[i];
        m_painter.paint(painter, chip);
    }
    painter->restore();
}

} // namespace dlm
