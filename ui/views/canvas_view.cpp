#include "ui/views/canvas_view.h"
#include "ui/views/prediction_notes.h"

#include "ui/document/timeline_document.h"
#include "ui/views/view_sync.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QEvent>
#include <QPainter>
#include <QPaintEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace dlm {

namespace {

QString stateText(PositionState state)
{
    return QString::fromUtf8(stateName(state)).replace(QLatin1Char('_'), QLatin1Char(' '));
}

QString number(double v)
{
    return std::isnan(v) ? QStringLiteral("-") : QString::number(v, 'f', 3);
}

} // namespace

CanvasView::CanvasView(QWidget *parent)
    : QWidget(parent)
    , m_painter(font())
{
    m_painter.setPalette(palette());
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    setFocusPolicy(Qt::ClickFocus);
}

void CanvasView::setPieceText(PieceText pieceText, PieceText rawPiece)
{
    m_spelling.pieceText = std::move(pieceText);
    m_spelling.rawPiece = std::move(rawPiece);
    rebuildChips();
}

void CanvasView::setMaskId(int32_t maskId)
{
    m_spelling.maskId = maskId;
    rebuildChips();
}

void CanvasView::setSpecialTest(std::function<bool(int32_t)> isSpecial)
{
    m_spelling.isSpecial = std::move(isSpecial);
    rebuildChips();
}

void CanvasView::setRecord(RecordPtr record, std::vector<float> committedProbability)
{
    m_record = std::move(record);
    m_committedProbability = std::move(committedProbability);
    rebuildChips();
}

void CanvasView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    m_record.reset();
    rebuildChips();
}

void CanvasView::setTextMode(bool on)
{
    if (on == m_textMode)
        return;
    m_textMode = on;
    rebuildChips();
}

void CanvasView::rebuildChips()
{
    m_chips.clear();
    m_chipWidths.clear();
    m_maskedChips = 0;
    if (m_record)
        m_chips = canvasChips(*m_record, m_spelling, m_committedProbability, m_textMode, &m_maskedChips);
    m_chipWidths.reserve(m_chips.size());
    for (const TokenChip &chip : m_chips)
        m_chipWidths.push_back(m_painter.chipWidth(chip));
    m_layoutWidth = -1;
    updateGeometry();
    update();
}

int CanvasView::layoutChips(int width, bool store) const
{
    if (!store)
        return layoutCanvasChips(m_chips, m_chipWidths, m_painter.chipHeight(), width);
    std::vector<QRectF> rects;
    const int height = layoutCanvasChips(m_chips, m_chipWidths, m_painter.chipHeight(), width, &rects);
    for (size_t i = 0; i < m_chips.size(); ++i)
        m_chips[i].rect = rects[i];
    return height;
}

void CanvasView::ensureLayout() const
{
    if (m_layoutWidth != width()) {
        layoutChips(width(), true);
        m_layoutWidth = width();
    }
}

int CanvasView::heightForWidth(int width) const
{
    if (!m_record)
        return fontMetrics().height() * 4;
    return layoutChips(width, false);
}

QSize CanvasView::sizeHint() const
{
    return {640, heightForWidth(640)};
}

QSize CanvasView::minimumSizeHint() const
{
    return {160, 2 * kCanvasMargin + static_cast<int>(m_painter.chipHeight())};
}

void CanvasView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    m_layoutWidth = -1;
}

void CanvasView::paintEvent(QPaintEvent *event)
{
    QPainter p(this);
    if (!m_record) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(2 * kCanvasMargin, 2 * kCanvasMargin, -2 * kCanvasMargin, -2 * kCanvasMargin),
            Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    ensureLayout();
    // With a thousand chips most are scrolled away: paint only what the exposed rectangle touches.
    const QRectF exposed = QRectF(event->rect()).adjusted(-3, -3, 3, 3);
    for (const TokenChip &c : m_chips) {
        if (c.rect.intersects(exposed))
            m_painter.paint(&p, c);
    }
    if (m_selected >= 0 && m_selected < chipCount()) {
        // The selection is a dashed frame outside the chip, so it never hides the chip's own outline.
        QPen pen(palette().color(QPalette::Highlight), 2.0, Qt::DashLine);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(m_chips[static_cast<size_t>(m_selected)].rect.adjusted(-3, -3, 3, 3), 4, 4);
    }
}

void CanvasView::setSelectedPosition(int pos)
{
    if (pos == m_selected)
        return;
    m_selected = pos;
    update();
}

void CanvasView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        const int pos = positionAt(event->position());
        if (pos >= 0) {
            setSelectedPosition(pos);
            Q_EMIT positionClicked(pos);
        }
    }
    QWidget::mousePressEvent(event);
}

QRectF CanvasView::chipRect(int pos) const
{
    if (pos < 0 || pos >= chipCount())
        return {};
    ensureLayout();
    return m_chips[static_cast<size_t>(pos)].rect;
}

const TokenChip *CanvasView::chip(int pos) const
{
    return pos >= 0 && pos < chipCount() ? &m_chips[static_cast<size_t>(pos)] : nullptr;
}

int CanvasView::positionAt(const QPointF &point) const
{
    for (int pos = 0; pos < chipCount(); ++pos) {
        if (chipRect(pos).adjusted(-1, -1, 1, 1).contains(point))
            return pos;
    }
    return -1;
}

QString CanvasView::details(int pos, bool rich) const
{
    if (!m_record || pos < 0 || pos >= m_record->length())
        return {};
    const StepRecord &r = *m_record;
    const size_t i = static_cast<size_t>(pos);
    const QString br = rich ? QStringLiteral("<br>") : QStringLiteral("\n");
    auto esc = [rich](const QString &s) { return rich ? s.toHtmlEscaped() : s; };
    auto quoted = [&](int32_t id) {
        QString shown = m_spelling.pieceText ? m_spelling.pieceText(id) : QString();
        return QStringLiteral("\u201C%1\u201D").arg(esc(shown));
    };

    QStringList lines;
    QString state = stateText(r.states[i]);
    if (r.tokens[i] != m_spelling.maskId && m_spelling.isSpecial && m_spelling.isSpecial(r.tokens[i]))
        state += tr(", special token");
    if (r.flags[i] & FlagLocked)
        state += tr(", locked");
    lines << (rich ? QStringLiteral("<b>%1</b>") : QStringLiteral("%1")).arg(tr("position %1").arg(pos))
          << tr("state: %1").arg(state);
    const int32_t token = r.tokens[i];
    if (token == m_spelling.maskId) {
        lines << tr("token: mask (id %1)").arg(token);
    } else {
        QString raw = m_spelling.rawPiece ? m_spelling.rawPiece(token) : QString();
        lines << tr("token: %1 id %2%3")
                     .arg(quoted(token))
                     .arg(token)
                     .arg(raw.isEmpty() ? QString() : tr(", piece %1").arg(esc(raw)));
        if (i < m_committedProbability.size() && !std::isnan(m_committedProbability[i]))
            lines << tr("p when committed: %1").arg(number(m_committedProbability[i]));
    }
    if (r.considered(pos)) {
        lines << tr("this step: candidate %1 id %2").arg(quoted(r.candidates[i])).arg(r.candidates[i])
              << tr("confidence %1, p %2, margin %3, entropy %4 nats")
                     .arg(number(r.confidence[i]), number(r.probability[i]), number(r.margin[i]), number(r.entropy[i]));
        QStringList top;
        for (int k = 0; k < r.topK; ++k) {
            const size_t at = i * static_cast<size_t>(r.topK) + static_cast<size_t>(k);
            if (at >= r.topIds.size() || r.topIds[at] < 0)
                break;
            top << QStringLiteral("%1 %2").arg(quoted(r.topIds[at]), number(r.topProbs[at]));
        }
        if (!top.isEmpty())
            lines << tr("top %1: %2").arg(top.size()).arg(top.join(QStringLiteral(", ")));
        if (r.laterPrediction(pos))
            lines << esc(laterPredictionNote());
    } else if (token == m_spelling.maskId && r.kind == RecordKind::Denoise) {
        lines << tr("no prediction this step: %1").arg(esc(noPredictionReason(r)));
    }
    return lines.join(br);
}

bool CanvasView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int pos = positionAt(help->pos());
        if (pos >= 0)
            QToolTip::showText(help->globalPos(), details(pos, true), this, chipRect(pos).toAlignedRect());
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

void CanvasView::contextMenuEvent(QContextMenuEvent *event)
{
    const int pos = positionAt(event->pos());
    if (pos < 0)
        return;
    setSelectedPosition(pos);
    Q_EMIT positionClicked(pos);
    QMenu menu(this);
    if (m_menuBuilder) {
        m_menuBuilder(menu, pos);
        menu.addSeparator();
    }
    QAction *copy = menu.addAction(tr("Copy details of position %1").arg(pos));
    if (menu.exec(event->globalPos()) == copy)
        QApplication::clipboard()->setText(details(pos, false));
}

void CanvasView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        m_painter.setPalette(palette());
        update();
    } else if (event->type() == QEvent::FontChange) {
        // Presentation mode enlarges the text: chips are measured with the painter's font.
        m_painter = TokenChipPainter(font());
        m_painter.setPalette(palette());
        rebuildChips();
    }
    QWidget::changeEvent(event);
}

void CanvasView::showCursor(const TimelineDocument &document)
{
    setRecord(document.currentRecord(), document.committedProbabilities(document.index()));
}

void CanvasView::showSelection(int position)
{
    setSelectedPosition(position);
}

void CanvasView::connectTo(ViewSync &sync)
{
    connect(this, &CanvasView::positionClicked, &sync, &ViewSync::selectPosition);
}

} // namespace dlm
