#include "ui/views/plot_theme.h"

#include <qcustomplot.h>

#include <QEvent>

namespace dlm {

namespace {

constexpr const char *kInkProperty = "dlmInk";

/** Re-applies the palette when Qt propagates a new application palette to the plot. */
class PaletteFollower : public QObject
{
public:
    explicit PaletteFollower(QCustomPlot *plot)
        : QObject(plot)
        , m_plot(plot)
    {
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_plot && event->type() == QEvent::PaletteChange) {
            applyPlotPalette(m_plot, m_plot->palette());
            m_plot->replot(QCustomPlot::rpQueuedReplot);
        }
        return false;
    }

private:
    QCustomPlot *m_plot;
};

void styleAxis(QCPAxis *axis, const QColor &ink, const QColor &grid)
{
    QPen base = axis->basePen();
    base.setColor(ink);
    axis->setBasePen(base);
    QPen tick = axis->tickPen();
    tick.setColor(ink);
    axis->setTickPen(tick);
    QPen sub = axis->subTickPen();
    sub.setColor(ink);
    axis->setSubTickPen(sub);
    axis->setLabelColor(ink);
    axis->setTickLabelColor(ink);
    QPen gridPen = axis->grid()->pen();
    gridPen.setColor(grid);
    axis->grid()->setPen(gridPen);
}

} // namespace

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor plotInk(const QPalette &palette)
{
    return palette.color(QPalette::WindowText);
}

void markAsInk(QCPAbstractItem *item)
{
    item->setProperty(kInkProperty, true);
}

void followPalette(QCustomPlot *plot)
{
    applyPlotPalette(plot, plot->palette());
    plot->installEventFilter(new PaletteFollower(plot));
}

void applyPlotPalette(QCustomPlot *plot, const QPalette &palette)
{
    const QColor ink = plotInk(palette);
    const QColor background = palette.color(QPalette::Base);
    QColor grid = palette.color(QPalette::Mid);
    grid.setAlpha(110);
    plot->setBackground(background);
    for (QCPAxisRect *rect : plot->axisRects()) {
        for (QCPAxis *axis : rect->axes())
            styleAxis(axis, ink, grid);
    }
    for (QCPLayoutElement *element : plot->plotLayout()->elements(true)) {
        if (auto *title = qobject_cast<QCPTextElement *>(element))
            title->setTextColor(ink);
        if (auto *scale = qobject_cast<QCPColorScale *>(element))
            styleAxis(scale->axis(), ink, grid);
        if (auto *legend = qobject_cast<QCPLegend *>(element)) {
            legend->setTextColor(ink);
            QColor fill = background;
            fill.setAlpha(220);
            legend->setBrush(fill);
            legend->setBorderPen(QPen(palette.color(QPalette::Mid)));
        }
    }
    for (int i = 0; i < plot->itemCount(); ++i) {
        QCPAbstractItem *item = plot->item(i);
        if (!item->property(kInkProperty).toBool())
            continue;
        if (auto *text = qobject_cast<QCPItemText *>(item)) {
            text->setColor(ink);
            if (text->brush().style() != Qt::NoBrush) {
                QColor fill = background;
                fill.setAlpha(text->brush().color().alpha());
                text->setBrush(fill);
            }
            continue;
        }
        auto recolor = [&](QPen pen) {
            pen.setColor(ink);
            return pen;
        };
        if (auto *line = qobject_cast<QCPItemStraightLine *>(item))
            line->setPen(recolor(line->pen()));
        else if (auto *segment = qobject_cast<QCPItemLine *>(item))
            segment->setPen(recolor(segment->pen()));
    }
}

} // namespace dlm
