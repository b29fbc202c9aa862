#include "ui/panels/transport_icons.h"

#include <QGuiApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <algorithm>
#include <cmath>

namespace dlm {

namespace {

// WCAG asks 3:1 of graphics that carry meaning; the aim is higher because styles shade the face of a button
// lighter than the palette's button colour (Fusion's dark disabled face is about 0x48 for a 0x35 button).
constexpr double kMinContrast = 4.5;

double linear(double channel)
{
    return channel <= 0.03928 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

double luminance(const QColor &c)
{
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
        static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
        static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

/** The disabled ink, moved towards the enabled ink in small steps until it stands out from the button. */
QColor disabledInk(const QPalette &palette)
{
    const QColor button = palette.color(QPalette::Disabled, QPalette::Button);
    const QColor dim = palette.color(QPalette::Disabled, QPalette::ButtonText);
    const QColor full = palette.color(QPalette::Active, QPalette::ButtonText);
    for (int i = 0; i <= 10; ++i) {
        const QColor c = mix(dim, full, i / 10.0);
        if (contrastRatio(c, button) >= kMinContrast)
            return c;
    }
    return full;
}

QPixmap drawGlyph(TransportGlyph glyph, const QColor &ink, int size, qreal dpr)
{
    QPixmap pixmap(QSize(size, size) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(ink);
    // Drawn for "first" (bar on the left, triangles pointing left) and mirrored for "last".
    if (glyph == TransportGlyph::SkipToLast) {
        p.translate(size, 0);
        p.scale(-1, 1);
    }
    const double s = size / 16.0;
    p.drawRect(QRectF(2 * s, 3 * s, 2 * s, 10 * s));
    for (double tip : {4.5, 9.5}) {
        QPainterPath triangle;
        triangle.moveTo(tip * s, 8 * s);
        triangle.lineTo((tip + 5.5) * s, 3 * s);
        triangle.lineTo((tip + 5.5) * s, 13 * s);
        triangle.closeSubpath();
        p.drawPath(triangle);
    }
    return pixmap;
}

} // namespace

double contrastRatio(const QColor &a, const QColor &b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QIcon transportIcon(TransportGlyph glyph, const QPalette &palette, int size)
{
    const qreal dpr = qApp ? qApp->devicePixelRatio() : 1.0;
    QIcon icon;
    icon.addPixmap(drawGlyph(glyph, palette.color(QPalette::Active, QPalette::ButtonText), size, dpr), QIcon::Normal);
    icon.addPixmap(drawGlyph(glyph, disabledInk(palette), size, dpr), QIcon::Disabled);
    return icon;
}

} // namespace dlm
