#include "ui/figures/plot_painter.h"

#include <QPainter>
#include <QPainterPath>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlm::figure {

namespace {

constexpr double kTickLength = 4.0;
constexpr double kLabelGap = 3.0;
constexpr double kTitleGap = 4.0;
constexpr double kIconWidth = 22.0;
constexpr double kIconHeight = 12.0;
constexpr double kIconGap = 6.0;
constexpr double kItemPadding = 12.0;

double textHeight(const QFont &font)
{
    return QFontMetricsF(font).height();
}

double widestLabel(const std::vector<double> &ticks)
{
    const QFontMetricsF fm(tickFont());
    double widest = 0.0;
    for (double t : ticks)
        widest = std::max(widest, fm.horizontalAdvance(tickLabel(t)));
    return widest;
}

QPen inkPen(double width = 1.0)
{
    return QPen(kInk, width, Qt::SolidLine, Qt::SquareCap);
}

/** Text rotated by `angle` degrees (-90: reads upwards), centred on `centre`. */
void drawRotatedText(QPainter &p, const QPointF &centre, double angle, const QString &text, double length)
{
    p.save();
    p.translate(centre);
    p.rotate(angle);
    const double h = textHeight(p.font());
    p.drawText(QRectF(-length / 2, -h / 2, length, h), Qt::AlignCenter, text);
    p.restore();
}

/** Item widths in legend order. */
std::vector<double> itemWidths(const std::vector<LegendEntry> &entries)
{
    const QFontMetricsF fm(titleFont());
    std::vector<double> widths;
    for (const LegendEntry &e : entries)
        widths.push_back(kIconWidth + kIconGap + fm.horizontalAdvance(e.text) + kItemPadding);
    return widths;
}

/** As many columns as fit side by side in `width`; each column as wide as its widest item. */
int legendColumns(const std::vector<double> &widths, double width, std::vector<double> *columnWidths)
{
    const int n = static_cast<int>(widths.size());
    for (int columns = n; columns >= 1; --columns) {
        std::vector<double> cw(static_cast<size_t>(columns), 0.0);
        for (int i = 0; i < n; ++i)
            cw[static_cast<size_t>(i % columns)]
                = std::max(cw[static_cast<size_t>(i % columns)], widths[static_cast<size_t>(i)]);
        double total = 0.0;
        for (double w : cw)
            total += w;
        if (total <= width || columns == 1) {
            *columnWidths = cw;
            return columns;
        }
    }
    return 1;
}

double legendRowHeight()
{
    return std::max(textHeight(titleFont()), kIconHeight) + 4.0;
}

} // namespace

double Chart::px(double value) const
{
    const double span = x.upper - x.lower;
    const double t = span != 0.0 ? (value - x.lower) / span : 0.5;
    return area.left() + t * area.width();
}

double Chart::py(double value) const
{
    const double span = y.upper - y.lower;
    const double t = span != 0.0 ? (value - y.lower) / span : 0.5;
    return y.reversed ? area.top() + t * area.height() : area.bottom() - t * area.height();
}

QFont tickFont()
{
    return font(11);
}

QFont titleFont()
{
    return font(12);
}

std::vector<double> ticks(const Axis &axis, double length, double pitch)
{
    const double lo = std::min(axis.lower, axis.upper);
    const double hi = std::max(axis.lower, axis.upper);
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi))
        return {};
    const int count = std::clamp(static_cast<int>(length / std::max(pitch, 1.0)), 2, std::max(2, axis.maxTicks));
    // The round step closest to an even spread (as QCustomPlot's tickers pick it): 1, 2, 2.5 or 5 times a
    // power of ten, whole numbers only on an integer axis.
    const double raw = (hi - lo) / count;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    double best = std::numeric_limits<double>::infinity();
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        const double candidate = m * magnitude;
        if (axis.integer && candidate != std::round(candidate))
            continue;
        const double distance = std::abs(std::log(candidate / raw));
        if (distance < best) {
            best = distance;
            step = candidate;
        }
    }
    if (axis.integer)
        step = std::max(step, 1.0);
    std::vector<double> out;
    const long long first = static_cast<long long>(std::ceil(lo / step - 1e-9));
    const long long last = static_cast<long long>(std::floor(hi / step + 1e-9));
    for (long long k = first; k <= last && out.size() < 1000; ++k)
        out.push_back(static_cast<double>(k) * step);
    return out;
}

std::vector<double> verticalTicks(const Axis &axis, double length)
{
    return ticks(axis, length, 2.2 * textHeight(tickFont()));
}

std::vector<double> horizontalTicks(const Axis &axis, double length)
{
    const QFontMetricsF fm(tickFont());
    // A first guess gives the labels' width, which sets the spacing.
    const double guess = std::max(fm.horizontalAdvance(QStringLiteral("000")),
        std::max(fm.horizontalAdvance(tickLabel(axis.lower)), fm.horizontalAdvance(tickLabel(axis.upper))));
    std::vector<double> t = ticks(axis, length, 2.0 * guess + fm.averageCharWidth());
    const double widest = std::max(guess, widestLabel(t));
    if (widest > guess)
        t = ticks(axis, length, 2.0 * widest + fm.averageCharWidth());
    return t;
}

QString tickLabel(double value)
{
    if (std::abs(value) < 1e-12)
        return QStringLiteral("0");
    return QString::number(value, 'g', 6);
}

double leftAxisWidth(const std::vector<double> &ticks, bool labels, bool titled)
{
    double w = kTickLength;
    if (labels)
        w += kLabelGap + widestLabel(ticks);
    if (titled)
        w += kTitleGap + textHeight(titleFont());
    return w + 2.0;
}

double bottomAxisHeight(bool labels, bool titled)
{
    double h = kTickLength;
    if (labels)
        h += kLabelGap + textHeight(tickFont());
    if (titled)
        h += 2.0 + textHeight(titleFont());
    return h + 2.0;
}

double rightAxisWidth(const std::vector<double> &ticks, bool titled)
{
    double w = kTickLength + kLabelGap + widestLabel(ticks);
    if (titled)
        w += kTitleGap + textHeight(titleFont());
    return w + 2.0;
}

QString fittedTitle(const QString &full, const QString &brief, const QFont &font, double room)
{
    const QFontMetricsF fm(font);
    if (fm.horizontalAdvance(full) <= room || brief.isEmpty())
        return fm.horizontalAdvance(full) <= room ? full : fm.elidedText(full, Qt::ElideRight, room);
    return fm.horizontalAdvance(brief) <= room ? brief : fm.elidedText(brief, Qt::ElideRight, room);
}

void drawLeftAxis(QPainter &p, const Chart &c, const std::vector<double> &ticks, bool labels)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(inkPen());
    const double x = c.area.left();
    p.drawLine(QPointF(x, c.area.top()), QPointF(x, c.area.bottom()));
    p.setFont(tickFont());
    const double h = textHeight(tickFont());
    for (double t : ticks) {
        const double y = c.py(t);
        p.drawLine(QPointF(x - kTickLength, y), QPointF(x, y));
        if (labels)
            p.drawText(QRectF(x - kTickLength - kLabelGap - 200.0, y - h / 2, 200.0, h),
                Qt::AlignRight | Qt::AlignVCenter, tickLabel(t));
    }
    if (!c.y.title.isEmpty()) {
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setFont(titleFont());
        const double left = x - leftAxisWidth(ticks, labels, true) + 2.0;
        const double th = textHeight(titleFont());
        drawRotatedText(p, QPointF(left + th / 2, c.area.center().y()), -90.0,
            fittedTitle(c.y.title, c.y.brief, titleFont(), c.area.height()), c.area.height());
    }
    p.restore();
}

void drawBottomAxis(QPainter &p, const Chart &c, const std::vector<double> &ticks, bool labels)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(inkPen());
    const double y = c.area.bottom();
    p.drawLine(QPointF(c.area.left(), y), QPointF(c.area.right(), y));
    p.setFont(tickFont());
    const double h = textHeight(tickFont());
    for (double t : ticks) {
        const double x = c.px(t);
        p.drawLine(QPointF(x, y), QPointF(x, y + kTickLength));
        if (labels)
            p.drawText(QRectF(x - 100.0, y + kTickLength + kLabelGap, 200.0, h), Qt::AlignHCenter | Qt::AlignTop,
                tickLabel(t));
    }
    if (!c.x.title.isEmpty()) {
        p.setFont(titleFont());
        const double top = y + kTickLength + (labels ? kLabelGap + h : 0.0) + 2.0;
        p.drawText(QRectF(c.area.left(), top, c.area.width(), textHeight(titleFont())), Qt::AlignCenter,
            fittedTitle(c.x.title, c.x.brief, titleFont(), c.area.width()));
    }
    p.restore();
}

void drawRightAxis(QPainter &p, const QRectF &area, const Axis &axis, const std::vector<double> &ticks)
{
    Chart c;
    c.area = area;
    c.y = axis;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(inkPen());
    const double x = area.right();
    p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
    p.setFont(tickFont());
    const double h = textHeight(tickFont());
    for (double t : ticks) {
        const double y = c.py(t);
        p.drawLine(QPointF(x, y), QPointF(x + kTickLength, y));
        p.drawText(
            QRectF(x + kTickLength + kLabelGap, y - h / 2, 200.0, h), Qt::AlignLeft | Qt::AlignVCenter, tickLabel(t));
    }
    if (!axis.title.isEmpty()) {
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setFont(titleFont());
        const double th = textHeight(titleFont());
        const double left = x + rightAxisWidth(ticks, true) - 2.0 - th;
        drawRotatedText(p, QPointF(left + th / 2, area.center().y()), 90.0,
            fittedTitle(axis.title, axis.brief, titleFont(), area.height()), area.height());
    }
    p.restore();
}

void drawGrid(QPainter &p, const Chart &c, const std::vector<double> &xTicks, const std::vector<double> &yTicks)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(kGrid, 1.0, Qt::DotLine));
    for (double t : xTicks)
        p.drawLine(QPointF(c.px(t), c.area.top()), QPointF(c.px(t), c.area.bottom()));
    for (double t : yTicks)
        p.drawLine(QPointF(c.area.left(), c.py(t)), QPointF(c.area.right(), c.py(t)));
    p.restore();
}

void drawBox(QPainter &p, const Chart &c)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(inkPen());
    p.drawLine(c.area.topLeft(), c.area.topRight());
    p.drawLine(c.area.topRight(), c.area.bottomRight());
    p.restore();
}

QString wrapText(const QString &text, const QFontMetricsF &fm, double width)
{
    if (fm.horizontalAdvance(text) <= width)
        return text;
    const qsizetype paren = text.indexOf(QStringLiteral(" ("));
    if (paren > 0 && fm.horizontalAdvance(text.left(paren)) <= width
        && fm.horizontalAdvance(text.mid(paren + 1)) <= width)
        return text.left(paren) + QLatin1Char('\n') + text.mid(paren + 1);
    QStringList lines;
    QString line;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString candidate = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
        if (!line.isEmpty() && fm.horizontalAdvance(candidate) > width) {
            lines << line;
            line = word;
        } else {
            line = candidate;
        }
    }
    if (!line.isEmpty())
        lines << line;
    return lines.join(QLatin1Char('\n'));
}

void drawHatch(QPainter &p, const QRectF &rect, const QColor &color, bool crossed)
{
    // Lines cut to the rectangle here, not a Qt pattern brush or a clip: patterns are device pixels (they
    // shrink at --scale 2), and SVG output ignores clipping.
    constexpr double kSpacing = 6.0;
    const double l = rect.left(), r = rect.right(), t = rect.top(), b = rect.bottom();
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(color, 1.0));
    for (double k = l + t + kSpacing / 2; k < r + b; k += kSpacing) {
        // "/": x + y = k, from bottom left to top right.
        const double x0 = std::max(l, k - b), x1 = std::min(r, k - t);
        if (x1 > x0)
            p.drawLine(QPointF(x0, k - x0), QPointF(x1, k - x1));
    }
    if (crossed) {
        for (double k = l - b + kSpacing / 2; k < r - t; k += kSpacing) {
            // "\": x - y = k, from top left to bottom right.
            const double x0 = std::max(l, k + t), x1 = std::min(r, k + b);
            if (x1 > x0)
                p.drawLine(QPointF(x0, x0 - k), QPointF(x1, x1 - k));
        }
    }
    p.restore();
}

double legendHeight(const std::vector<LegendEntry> &entries, double width)
{
    if (entries.empty())
        return 0.0;
    std::vector<double> columnWidths;
    const int columns = legendColumns(itemWidths(entries), width, &columnWidths);
    const int rows = (static_cast<int>(entries.size()) + columns - 1) / columns;
    return rows * legendRowHeight() + 4.0;
}

void drawLegend(QPainter &p, const std::vector<LegendEntry> &entries, const QRectF &rect)
{
    if (entries.empty())
        return;
    std::vector<double> columnWidths;
    const int columns = legendColumns(itemWidths(entries), rect.width(), &columnWidths);
    double used = 0.0;
    for (double w : columnWidths)
        used += w;
    const double extra = std::max(0.0, rect.width() - used) / columns;
    const double rowHeight = legendRowHeight();
    p.save();
    p.setFont(titleFont());
    for (size_t i = 0; i < entries.size(); ++i) {
        const int column = static_cast<int>(i) % columns;
        const int row = static_cast<int>(i) / columns;
        double x = rect.left();
        for (int c = 0; c < column; ++c)
            x += columnWidths[static_cast<size_t>(c)] + extra;
        const double y = rect.top() + 2.0 + row * rowHeight;
        const QRectF icon(x + kItemPadding / 2, y + (rowHeight - kIconHeight) / 2, kIconWidth, kIconHeight);
        p.save();
        p.setRenderHint(QPainter::Antialiasing, true);
        entries[i].key(p, icon);
        p.restore();
        p.setPen(kInk);
        p.drawText(QRectF(icon.right() + kIconGap, y, columnWidths[static_cast<size_t>(column)] + extra, rowHeight),
            Qt::AlignLeft | Qt::AlignVCenter, entries[i].text);
    }
    p.restore();
}

} // namespace dlm::figure
