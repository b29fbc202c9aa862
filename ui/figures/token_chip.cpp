#include "ui/figures/token_chip.h"

#include "ui/figures/color_maps.h"

#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace dlm {

namespace {

constexpr qreal kPadX = 4.0;
constexpr qreal kPadY = 2.0;
constexpr qreal kGlyph = 9.0;    // side of a glyph's square
constexpr qreal kGlyphGap = 2.0;
constexpr int kMaxChars = 24;    // longer pieces are elided; the tooltip has them in full
constexpr int kMaxShaped = 8192; // distinct texts kept shaped per font; a vocabulary's worth

const QColor kPlainFill{0xFF, 0xFF, 0xFF};

/** `amount` of the way from `from` to `to`. */
QColor blend(const QColor &from, const QColor &to, qreal amount)
{
    return QColor::fromRgbF(from.redF() + (to.redF() - from.redF()) * amount,
                            from.greenF() + (to.greenF() - from.greenF()) * amount,
                            from.blueF() + (to.blueF() - from.blueF()) * amount);
}

} // namespace

TokenChipPainter::TokenChipPainter(const QFont &font)
    : m_font(font), m_candidateFont(font), m_metrics(font), m_candidateMetrics(font)
{
    m_candidateFont.setItalic(true);
    m_candidateMetrics = QFontMetricsF(m_candidateFont);
}

void TokenChipPainter::setPalette(const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base), text = palette.color(QPalette::Text);
    // On white these come out as the light greys the legend was designed with; on a dark base they invert.
    m_promptText = blend(base, text, 0.85);
    m_maskFill = blend(base, text, 0.07);
    m_maskBorder = blend(base, text, 0.45);
    m_candidateText = blend(base, text, 0.5);
    m_specialFill = blend(base, text, 0.04);
    m_maskBoxes.clear();
}

const QPixmap &TokenChipPainter::maskBox(const QSize &size, qreal dpr) const
{
    const quint64 key = (quint64(size.width()) << 32) | (quint64(size.height()) << 16) | quint64(dpr * 100);
    auto it = m_maskBoxes.constFind(key);
    if (it != m_maskBoxes.constEnd())
        return *it;
    if (m_maskBoxes.size() > 512)
        m_maskBoxes.clear();
    QPixmap box(size * dpr);
    box.setDevicePixelRatio(dpr);
    box.fill(Qt::transparent);
    QPainter painter(&box);
    painter.setPen(QPen(m_maskBorder, 1.0, Qt::DashLine));
    painter.setBrush(m_maskFill);
    painter.drawRoundedRect(QRectF(0, 0, size.width() - 1, size.height() - 1), 3.0, 3.0);
    painter.end();
    return *m_maskBoxes.insert(key, box);
}

qreal TokenChipPainter::chipHeight() const
{
    return std::ceil(m_metrics.height() + 2 * kPadY);
}

qreal TokenChipPainter::padX(const TokenChip &chip)
{
    // Plain prompt text runs together; a special token is boxed, so it gets a token's padding.
    return chip.kind == TokenChip::Kind::Prompt && !chip.special ? 1.0 : kPadX;
}

int TokenChipPainter::glyphCount(const TokenChip &chip) const
{
    return int(chip.remasked) + int(chip.edited) + int(chip.locked);
}

QString TokenChipPainter::shownText(const TokenChip &chip) const
{
    if (chip.text.size() <= kMaxChars)
        return chip.text;
    return chip.text.left(kMaxChars - 1) + QChar(0x2026);
}

const TokenChipPainter::ShapedText &TokenChipPainter::shaped(const QString &text, bool candidate) const
{
    QHash<QString, ShapedText> &cache = m_shaped[candidate ? 1 : 0];
    auto it = cache.constFind(text);
    if (it != cache.constEnd())
        return *it;
    if (cache.size() >= kMaxShaped)
        cache.clear();
    ShapedText s;
    s.text.setText(text);
    s.text.setTextFormat(Qt::PlainText);
    s.text.prepare(QTransform(), candidate ? m_candidateFont : m_font);
    s.advance = (candidate ? m_candidateMetrics : m_metrics).horizontalAdvance(text);
    return *cache.insert(text, s);
}

qreal TokenChipPainter::chipWidth(const TokenChip &chip) const
{
    qreal w = shaped(shownText(chip), chip.kind == TokenChip::Kind::Mask).advance;
    if (chip.kind == TokenChip::Kind::Mask)
        w = std::max(w, m_metrics.horizontalAdvance(QStringLiteral("MM")));
    const int glyphs = glyphCount(chip);
    if (glyphs > 0)
        w += glyphs * (kGlyph + kGlyphGap);
    return std::ceil(w + 2 * padX(chip));
}

void TokenChipPainter::paint(QPainter *p, const TokenChip &chip) const
{
    p->save();
    // Chip bodies are drawn without antialiasing on whole pixels: crisp 1-px borders, and at 512 chips it
    // halves the paint time. Glyphs and this step's outline keep antialiasing (few, and diagonal).
    p->setRenderHint(QPainter::Antialiasing, false);
    const QRectF r = chip.rect.toRect().adjusted(0, 0, -1, -1);
    const qreal radius = 3.0;
    const int glyphs = glyphCount(chip);
    const qreal glyphSpace = glyphs * (kGlyph + kGlyphGap);
    const qreal pad = padX(chip);
    QRectF textRect = chip.rect.adjusted(pad, 0, -pad - glyphSpace, 0);
    QColor textColor = m_promptText;

    switch (chip.kind) {
    case TokenChip::Kind::Prompt:
        if (chip.special) {
            // Markup the model reads but nobody wrote: a faint solid box and muted text, distinct from the
            // dashed mask box and from the confidence fills of generated tokens.
            p->setPen(QPen(m_maskBorder, 1.0));
            p->setBrush(m_specialFill);
            p->drawRoundedRect(r, radius, radius);
            textColor = m_candidateText;
        }
        break;
    case TokenChip::Kind::Mask: {
        // The mask is a dashed box. In one-block runs every mask the step did not commit is sent back, so
        // the return arrow alone marks it: a coloured border on each would drown the tokens in vermillion.
        // Dashing is the slowest stroke there is, and most chips of a fresh canvas are masks of a few widths:
        // draw each width once into a pixmap and blit it.
        // A vector drawing (SVG, PDF) keeps the box a shape, not a picture of one.
        if (p->paintEngine() && p->paintEngine()->type() == QPaintEngine::Raster) {
            p->drawPixmap(chip.rect.topLeft(), maskBox(chip.rect.size().toSize(), p->device()->devicePixelRatioF()));
        } else {
            p->setPen(QPen(m_maskBorder, 1.0, Qt::DashLine));
            p->setBrush(m_maskFill);
            p->drawRoundedRect(r, radius, radius);
        }
        textColor = m_candidateText;
        break;
    }
    case TokenChip::Kind::Token: {
        const QColor fill = std::isnan(chip.tint) ? kPlainFill : colors::viridis(chip.tint);
        p->setPen(QPen(chip.edited ? colors::kEdited : fill.darker(140), chip.edited ? 1.5 : 1.0));
        p->setBrush(fill);
        p->drawRoundedRect(r, radius, radius);
        textColor = colors::textOn(fill);
        if (chip.newThisStep) {
            // Outside the fill, so the confidence colour stays fully visible.
            p->setRenderHint(QPainter::Antialiasing);
            p->setPen(QPen(colors::kNewThisStep, 2.5));
            p->setBrush(Qt::NoBrush);
            p->drawRoundedRect(chip.rect.adjusted(-1.0, -1.0, 1.0, 1.0), radius + 1, radius + 1);
        }
        break;
    }
    }

    // Pre-shaped text: laying a piece out again for every chip on every paint cost more than the shapes.
    const bool candidate = chip.kind == TokenChip::Kind::Mask;
    const ShapedText &t = shaped(shownText(chip), candidate);
    const QFontMetricsF &fm = candidate ? m_candidateMetrics : m_metrics;
    p->setPen(textColor);
    p->setFont(candidate ? m_candidateFont : m_font);
    const QPointF topLeft(textRect.center().x() - t.advance / 2, textRect.center().y() - fm.height() / 2);
    p->drawStaticText(topLeft, t.text);

    qreal gx = chip.rect.right() - pad - glyphSpace + kGlyphGap;
    const qreal gy = chip.rect.center().y() - kGlyph / 2;
    const bool onFill = chip.kind == TokenChip::Kind::Token;
    auto nextBox = [&] {
        const QRectF box(gx, gy, kGlyph, kGlyph);
        gx += kGlyph + kGlyphGap;
        if (onFill) {
            // A white badge keeps the glyph's colour readable on any confidence fill.
            p->setPen(Qt::NoPen);
            p->setBrush(Qt::white);
            p->drawRoundedRect(box.adjusted(-1.5, -1.5, 1.5, 1.5), 2.5, 2.5);
        }
        return box;
    };
    if (chip.remasked)
        drawReturnArrow(p, nextBox(), colors::kRemasked);
    if (chip.edited)
        drawPencil(p, nextBox(), colors::kEdited);
    if (chip.locked)
        drawPin(p, nextBox(), colors::kLocked);
    p->restore();
}

void TokenChipPainter::drawReturnArrow(QPainter *p, const QRectF &box, const QColor &color)
{
    // The "carriage return" arrow: down from the top right, then left, ending in a head.
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    const qreal l = box.left(), r = box.right(), t = box.top(), mid = box.top() + box.height() * 0.65;
    QPainterPath stem;
    stem.moveTo(r - 1, t);
    stem.lineTo(r - 1, mid);
    stem.lineTo(l + 3, mid);
    p->setPen(QPen(color, 1.6, Qt::SolidLine, Qt::FlatCap, Qt::MiterJoin));
    p->setBrush(Qt::NoBrush);
    p->drawPath(stem);
    QPainterPath head;
    head.moveTo(l, mid);
    head.lineTo(l + 3.5, mid - 3);
    head.lineTo(l + 3.5, mid + 3);
    head.closeSubpath();
    p->setPen(Qt::NoPen);
    p->setBrush(color);
    p->drawPath(head);
    p->restore();
}

void TokenChipPainter::drawPencil(QPainter *p, const QRectF &box, const QColor &color)
{
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    p->translate(box.center());
    p->rotate(-45);
    const qreal half = box.width() / 2;
    p->setPen(Qt::NoPen);
    p->setBrush(color);
    p->drawRect(QRectF(-half + 2.5, -1.6, half * 2 - 2.5, 3.2)); // body
    QPainterPath tip;
    tip.moveTo(-half, 0);
    tip.lineTo(-half + 2.5, -1.6);
    tip.lineTo(-half + 2.5, 1.6);
    tip.closeSubpath();
    p->drawPath(tip);
    p->restore();
}

void TokenChipPainter::drawPin(QPainter *p, const QRectF &box, const QColor &color)
{
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    const qreal cx = box.center().x();
    const qreal headR = box.width() * 0.3;
    p->setPen(QPen(color, 1.4, Qt::SolidLine, Qt::RoundCap));
    p->drawLine(QPointF(cx, box.top() + headR * 2), QPointF(cx, box.bottom())); // needle
    p->setPen(Qt::NoPen);
    p->setBrush(color);
    p->drawEllipse(QPointF(cx, box.top() + headR), headR, headR); // head
    p->restore();
}

} // namespace dlm
