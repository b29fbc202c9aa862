#include "ui/views/canvas_view.h"
#include "ui/views/prediction_notes.h"

#include "ui/document/timeline_document.h"
#include "ui/views/view_sync.h"
#include "core/text/piece_text.h"

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

constexpr int kMargin = 8;
constexpr qreal kWordGap = 6.0; // between chips where the second piece starts a word
constexpr qreal kPieceGap = 2.0; // between pieces of one word: close, but the boxes stay apart
constexpr qreal kLineGap = 6.0;

QString stateText(PositionState state)
{
    return QString::fromUtf8(stateName(state)).replace(QLatin1Char('_'), QLatin1Char(' '));
}

QString number(double v)
{
    return std::isnan(v) ? QStringLiteral("-") : QString::number(v, 'f', 3);
}

// Newlines and tabs get visible stand-ins, other control characters their code: a chip must never be blank.
QString visibleText(QString s, bool *breakAfter)
{
    *breakAfter = s.endsWith(QLatin1Char('\n'));
    s.replace(QLatin1Char('\n'), QChar(0x21B5)).replace(QLatin1Char('\t'), QChar(0x21E5));
    QString out;
    for (QChar c : std::as_const(s)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7F)
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
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
    m_pieceText = std::move(pieceText);
    m_rawPiece = std::move(rawPiece);
    rebuildChips();
}

void CanvasView::setMaskId(int32_t maskId)
{
    m_maskId = maskId;
    rebuildChips();
}

void CanvasView::setSpecialTest(std::function<bool(int32_t)> isSpecial)
{
    m_isSpecial = std::move(isSpecial);
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

QString CanvasView::text(int32_t id) const
{
    QString t = m_pieceText ? m_pieceText(id) : QString();
    return t.isEmpty() ? QStringLiteral("#%1").arg(id) : t;
}

std::vector<QString> CanvasView::spellSequence(const StepRecord &r) const
{
    // Byte pieces that spell one character together need their neighbours, which the per-id lookup lacks:
    // with the raw pieces the whole canvas is spelled at once (masks end a run, as gaps in the text).
    std::vector<QString> out(static_cast<size_t>(r.length()));
    if (!m_rawPiece)
        return out;
    std::vector<std::string> pieces(out.size());
    for (size_t i = 0; i < pieces.size(); ++i) {
        if (r.tokens[i] != m_maskId)
            pieces[i] = m_rawPiece(r.tokens[i]).toStdString();
    }
    const std::vector<std::string> texts = sequenceTexts(pieces);
    for (size_t i = 0; i < out.size(); ++i) {
        if (!pieces[i].empty())
            out[i] = texts[i].empty() ? QString(kContinuationMark) : QString::fromStdString(texts[i]);
    }
    return out;
}

void CanvasView::setTextMode(bool on)
{
    if (on == m_textMode)
        return;
    m_textMode = on;
    rebuildChips();
}

void CanvasView::setTextModeText(TokenChip &chip, QString shown)
{
    // Newlines end the line (a piece that is nothing but newlines keeps ↵ so it can still be clicked);
    // spaces stay inside the chip, as the text has them.
    chip.breakAfter = shown.endsWith(QLatin1Char('\n'));
    while (shown.endsWith(QLatin1Char('\n')))
        shown.chop(1);
    bool unused = false;
    chip.text = shown.isEmpty() ? QString(QChar(0x21B5)) : visibleText(shown, &unused);
}

void CanvasView::rebuildChips()
{
    m_chips.clear();
    m_chipWidths.clear();
    m_maskedChips = 0;
    if (m_record) {
        const StepRecord &r = *m_record;
        const std::vector<QString> spelled = spellSequence(r);
        m_chips.reserve(static_cast<size_t>(r.length()));
        for (int pos = 0; pos < r.length(); ++pos) {
            const size_t i = static_cast<size_t>(pos);
            const int32_t token = r.tokens[i];
            const PositionState state = i < r.states.size() ? r.states[i] : PositionState::Committed;
            TokenChip chip;
            chip.position = pos;
            chip.locked = i < r.flags.size() && (r.flags[i] & FlagLocked);
            QString shown;
            if (token == m_maskId) {
                chip.kind = TokenChip::Kind::Mask;
                chip.remasked = state == PositionState::Remasked;
                if (r.considered(pos))
                    shown = text(r.candidates[i]);
                ++m_maskedChips;
            } else {
                chip.kind = state == PositionState::Prompt ? TokenChip::Kind::Prompt : TokenChip::Kind::Token;
                chip.special = chip.kind == TokenChip::Kind::Prompt && m_isSpecial && m_isSpecial(token);
                chip.newThisStep = state == PositionState::CommittedThisStep;
                chip.edited = state == PositionState::Edited;
                shown = spelled[i].isEmpty() ? text(token) : spelled[i];
                if (i < m_committedProbability.size())
                    chip.tint = m_committedProbability[i];
                else if (chip.newThisStep && i < r.probability.size())
                    chip.tint = r.probability[i];
            }
            if (m_textMode) {
                setTextModeText(chip, shown);
            } else {
                chip.wordStart = shown.startsWith(QLatin1Char(' '));
                if (chip.wordStart && shown.size() > 1)
                    shown.remove(0, 1);
                else if (chip.wordStart)
                    shown = QChar(0x2423); // a lone space piece: show the open-box space sign
                chip.text = visibleText(shown, &chip.breakAfter);
            }
            m_chips.push_back(chip);
            m_chipWidths.push_back(m_painter.chipWidth(chip));
        }
    }
    m_layoutWidth = -1;
    updateGeometry();
    update();
}

int CanvasView::layoutChips(int width, bool store) const
{
    if (m_chips.empty())
        return 2 * kMargin + static_cast<int>(m_painter.chipHeight());
    const qreal h = m_painter.chipHeight();
    const qreal right = std::max<qreal>(width - kMargin, kMargin + 1);
    qreal x = kMargin, y = kMargin;
    bool lineStart = true;
    for (size_t i = 0; i < m_chips.size(); ++i) {
        const TokenChip &c = m_chips[i];
        const qreal w = m_chipWidths[i];
        // Prompt text is plain, so pieces of one word join up; chips keep a hairline apart to stay boxes.
        const bool plainJoin = c.kind == TokenChip::Kind::Prompt && !c.special && i > 0
            && m_chips[i - 1].kind == TokenChip::Kind::Prompt && !m_chips[i - 1].special;
        qreal gap = lineStart ? 0.0 : (c.wordStart ? kWordGap : (plainJoin ? 0.0 : kPieceGap));
        if (!lineStart && x + gap + w > right) {
            x = kMargin;
            y += h + kLineGap;
            gap = 0.0;
        }
        if (store)
            m_chips[i].rect = QRectF(x + gap, y, w, h);
        x += gap + w;
        lineStart = false;
        if (c.breakAfter) {
            x = kMargin;
            y += h + kLineGap;
            lineStart = true;
        }
    }
    return static_cast<int>(std::ceil(y + (lineStart ? 0.0 : h) + kMargin));
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
    return {160, 2 * kMargin + static_cast<int>(m_painter.chipHeight())};
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
        p.drawText(rect().adjusted(2 * kMargin, 2 * kMargin, -2 * kMargin, -2 * kMargin),
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
        QString shown = m_pieceText ? m_pieceText(id) : QString();
        return QStringLiteral("\u201C%1\u201D").arg(esc(shown));
    };

    QStringList lines;
    QString state = stateText(r.states[i]);
    if (r.tokens[i] != m_maskId && m_isSpecial && m_isSpecial(r.tokens[i]))
        state += tr(", special token");
    if (r.flags[i] & FlagLocked)
        state += tr(", locked");
    lines << (rich ? QStringLiteral("<b>%1</b>") : QStringLiteral("%1")).arg(tr("position %1").arg(pos))
          << tr("state: %1").arg(state);
    const int32_t token = r.tokens[i];
    if (token == m_maskId) {
        lines << tr("token: mask (id %1)").arg(token);
    } else {
        QString raw = m_rawPiece ? m_rawPiece(token) : QString();
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
    } else if (token == m_maskId && r.kind == RecordKind::Denoise) {
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
