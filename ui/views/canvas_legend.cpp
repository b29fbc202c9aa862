#include "ui/views/canvas_legend.h"

#include "ui/help/glossary_text.h"
#include "ui/views/color_maps.h"

#include <QLinearGradient>
#include <QEvent>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

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
        {masked, tr("masked"), QStringLiteral("legend.masked"), {}},
        {remasked, tr("sent back"), QStringLiteral("legend.sentBack"), {}},
        {fresh, tr("new this step"), QStringLiteral("legend.newThisStep"), {}},
        {edited, tr("edited"), QStringLiteral("legend.edited"), {}},
        {locked, tr("locked"), QStringLiteral("legend.locked"), {}}};
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

QSize CanvasLegend::sizeHint() const
{
    int w = kBarWidth + fontMetrics().horizontalAdvance(tr("p when committed  0  1")) + kSpacing;
    for (const Entry &e : m_entries)
        w += static_cast<int>(m_painter.chipWidth(e.chip)) + fontMetrics().horizontalAdvance(e.label) + kSpacing + 4;
    return {w, static_cast<int>(m_painter.chipHeight()) + 8};
}

QSize CanvasLegend::minimumSizeHint() const
{
    return {100, sizeHint().height()};
}

void CanvasLegend::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const qreal h = m_painter.chipHeight();
    const qreal top = (height() - h) / 2;
    const QFontMetrics fm = fontMetrics();
    const int textY = static_cast<int>(top + h / 2 + fm.ascent() / 2.0 - 1);
    qreal x = 4;

    const qreal barStart = x;
    const QString title = tr("p when committed");
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QPointF(x, textY), title);
    x += fm.horizontalAdvance(title) + 6;
    p.drawText(QPointF(x, textY), QStringLiteral("0"));
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
    p.drawText(QPointF(x, textY), QStringLiteral("1"));
    x += fm.horizontalAdvance(QStringLiteral("1"));
    m_barRect = QRectF(barStart, 0, x - barStart, height()).toAlignedRect();
    x += kSpacing;

    for (Entry &e : m_entries) {
        const qreal entryStart = x;
        const qreal w = m_painter.chipWidth(e.chip);
        e.chip.rect = QRectF(x, top, w, h);
        m_painter.paint(&p, e.chip);
        x += w + 4;
        if (!e.label.isEmpty()) {
            p.setPen(palette().color(QPalette::WindowText));
            p.drawText(QPointF(x, textY), e.label);
            x += fm.horizontalAdvance(e.label);
        }
        e.rect = QRectF(entryStart, 0, x - entryStart, height()).toAlignedRect();
        x += kSpacing;
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
