#include "ui/views/canvas_legend.h"

#include "ui/text/glossary_text.h"
#include "ui/figures/color_maps.h"

#include <QLinearGradient>
#include <QEvent>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace dlm {

namespace {

constexpr int kBarWidth = 110;
constexpr int kSpacing = 14;

TokenChip sample(TokenChip::Kind kind, const QString &text)
{
    TokenChip c;
    c.kind = kind;
    c.text = text;
    return c;
}

} // namespace

CanvasLegend::CanvasLegend(QWidget *parent)
    : QWidget(parent)
    , m_painter(font())
{
    m_painter.setPalette(palette());
    TokenChip prompt = sample(TokenChip::Kind::Prompt, tr("prompt"));
    TokenChip special = sample(TokenChip::Kind::Prompt, QStringLiteral("<|…|>"));
    special.special = true;
    TokenChip masked = sample(TokenChip::Kind::Mask, QString());
    TokenChip remasked = sample(TokenChip::Kind::Mask, tr("cand."));
    remasked.remasked = true;
    TokenChip fresh = sample(TokenChip::Kind::Token, tr("tok"));
    fresh.newThisStep = true;
    fresh.tint = 0.8f;
    TokenChip edited = sample(TokenChip::Kind::Token, tr("tok"));
    edited.edited = true;
    TokenChip locked = sample(TokenChip::Kind::Token, tr("tok"));
    locked.locked = true;
    locked.tint = 0.5f;
    m_entries = {{prompt, QString(), QStringLiteral("legend.prompt"), {}},
        {special, tr("special token"), QStringLiteral("legend.special"), {}},
        {masked, tr("masked"), QStringLiteral("legend.masked"), {}},
        {remasked, tr("sent back"), QStringLiteral("legend.sentBack"), {}},
        {fresh, tr("new this step"), QStringLiteral("legend.newThisStep"), {}},
        {edited, tr("edited"), QStringLiteral("legend.edited"), {}},
        {locked, tr("locked"), QStringLiteral("legend.locked"), {}}};
    // Preferred, not Fixed: a fixed height would be the one-line sizeHint, whatever heightForWidth says.
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

qreal CanvasLegend::rowHeight() const
{
    return m_painter.chipHeight() + 8;
}

std::vector<qreal> CanvasLegend::pieceWidths() const
{
    const QFontMetricsF fm(font());
    std::vector<qreal> widths;
    widths.push_back(fm.horizontalAdvance(tr("p when committed")) + 6 + fm.horizontalAdvance(QStringLiteral("0")) + 3
        + kBarWidth + 3 + fm.horizontalAdvance(QStringLiteral("1")));
    for (const Entry &e : m_entries)
        widths.push_back(m_painter.chipWidth(e.chip) + 4 + fm.horizontalAdvance(e.label));
    return widths;
}

std::vector<QPointF> CanvasLegend::placements(int width) const
{
    // A piece never splits: when the next does not fit on the line it starts a new one, so every label
    // ("edited", "locked") stays whole however narrow the window.
    std::vector<QPointF> at;
    qreal x = 4;
    qreal y = 0;
    for (qreal w : pieceWidths()) {
        if (x > 4 && x + w > width - 4) {
            x = 4;
            y += rowHeight();
        }
        at.emplace_back(x, y);
        x += w + kSpacing;
    }
    return at;
}

QSize CanvasLegend::sizeHint() const
{
    qreal w = 4;
    for (qreal piece : pieceWidths())
        w += piece + kSpacing;
    return {static_cast<int>(w), static_cast<int>(rowHeight())};
}

QSize CanvasLegend::minimumSizeHint() const
{
    // The widest single piece: narrower than that a label would be cut.
    const std::vector<qreal> widths = pieceWidths();
    return {static_cast<int>(*std::max_element(widths.begin(), widths.end())) + 8, static_cast<int>(rowHeight())};
}

int CanvasLegend::heightForWidth(int width) const
{
    const std::vector<QPointF> at = placements(width);
    return static_cast<int>(at.back().y() + rowHeight());
}

void CanvasLegend::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const qreal h = m_painter.chipHeight();
    const QFontMetrics fm = fontMetrics();
    const std::vector<QPointF> at = placements(width());
    const auto textY
        = [&](const QPointF &corner) { return static_cast<int>(corner.y() + 4 + h / 2 + fm.ascent() / 2.0 - 1); };

    const std::vector<qreal> widths = pieceWidths();
    const auto pieceRect
        = [&](size_t i) { return QRectF(at[i], QSizeF(widths[i], rowHeight())).toAlignedRect(); };
    m_barRect = pieceRect(0);
    qreal x = at[0].x();
    const qreal top = at[0].y() + 4;
    const QString title = tr("p when committed");
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QPointF(x, textY(at[0])), title);
    x += fm.horizontalAdvance(title) + 6;
    p.drawText(QPointF(x, textY(at[0])), QStringLiteral("0"));
    x += fm.horizontalAdvance(QStringLiteral("0")) + 3;
    QLinearGradient gradient(x, 0, x + kBarWidth, 0);
    for (int i = 0; i <= 10; ++i)
        gradient.setColorAt(i / 10.0, colors::viridis(i / 10.0));
    const QRectF bar(x, top + 2, kBarWidth, h - 4);
    p.fillRect(bar, gradient);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(bar);
    x += kBarWidth + 3;
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QPointF(x, textY(at[0])), QStringLiteral("1"));

    for (size_t i = 0; i < m_entries.size(); ++i) {
        Entry &e = m_entries[i];
        const QPointF corner = at[i + 1];
        const qreal w = m_painter.chipWidth(e.chip);
        e.chip.rect = QRectF(corner.x(), corner.y() + 4, w, h);
        m_painter.paint(&p, e.chip);
        if (!e.label.isEmpty()) {
            p.setPen(palette().color(QPalette::WindowText));
            p.drawText(QPointF(corner.x() + w + 4, textY(corner)), e.label);
        }
        e.rect = pieceRect(i + 1);
    }
}

QRect CanvasLegend::entryRect(int i) const
{
    if (i == 0)
        return m_barRect;
    return i > 0 && i < entryCount() ? m_entries[static_cast<size_t>(i - 1)].rect : QRect();
}

QString CanvasLegend::entryToolTip(int i) const
{
    if (i == 0)
        return helpText(QStringLiteral("legend.confidenceBar"));
    return i > 0 && i < entryCount() ? helpText(m_entries[static_cast<size_t>(i - 1)].helpKey) : QString();
}

QString CanvasLegend::toolTipAt(const QPoint &point) const
{
    for (int i = 0; i < entryCount(); ++i) {
        if (entryRect(i).contains(point))
            return entryToolTip(i);
    }
    return {};
}

bool CanvasLegend::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        for (int i = 0; i < entryCount(); ++i) {
            if (entryRect(i).contains(help->pos())) {
                // The rect keeps the tip up while the mouse stays on the same key.
                QToolTip::showText(help->globalPos(), entryToolTip(i), this, entryRect(i));
                return true;
            }
        }
        QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

void CanvasLegend::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        m_painter.setPalette(palette());
        update();
    } else if (event->type() == QEvent::FontChange) {
        m_painter = TokenChipPainter(font()); // presentation mode's larger text
        m_painter.setPalette(palette());
        updateGeometry();
        update();
    }
    QWidget::changeEvent(event);
}

} // namespace dlm
