#include "ui/views/plot_fitting.h"

#include "ui/figures/plot_painter.h"

#include <qcustomplot.h>

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace dlm {

namespace {

constexpr const char *kFullTitle = "dlmFullTitle";
constexpr const char *kBriefTitle = "dlmBriefTitle";
constexpr const char *kWrappedText = "dlmWrappedText";

double axisLength(const QCPAxis *axis)
{
    const QRect r = axis->axisRect()->rect();
    return axis->orientation() == Qt::Horizontal ? r.width() : r.height();
}

/** A tick count that leaves a label's height (vertical) or about two label widths (horizontal) between labels. */
int fittingTickCount(QCPAxis *axis)
{
    const QFontMetricsF fm(axis->tickLabelFont());
    const double length = axisLength(axis);
    double pitch = 0.0;
    if (axis->orientation() == Qt::Vertical) {
        pitch = 2.2 * fm.height();
    } else {
        double widest = fm.horizontalAdvance(QStringLiteral("000"));
        for (const QString &label : axis->tickVectorLabels())
            widest = std::max(widest, fm.horizontalAdvance(label));
        pitch = 2.0 * widest + fm.averageCharWidth();
    }
    return std::clamp(static_cast<int>(length / pitch), 2, axis->orientation() == Qt::Vertical ? 5 : 8);
}

/** The longest of the axis' titles that fits along it, elided as a last resort. */
void fitAxisTitle(QCPAxis *axis)
{
    const QVariant full = axis->property(kFullTitle);
    if (!full.isValid())
        return;
    const QFontMetricsF fm(axis->labelFont());
    const double room = axisLength(axis);
    const QString brief = axis->property(kBriefTitle).toString();
    QString text = full.toString();
    if (fm.horizontalAdvance(text) > room)
        text = fm.horizontalAdvance(brief) <= room ? brief : fm.elidedText(brief, Qt::ElideRight, room);
    // The title's margin is one line tall whatever its length, so changing it needs no new layout.
    axis->setLabel(text);
}

/** Columns for the legend: as many as fit side by side in `width` (items fill it row by row). */
int fittingLegendColumns(QCPLegend *legend, double width)
{
    // itemCount() counts the grid's cells, empty ones too (a re-flow leaves some): measure the items only.
    QList<double> widths;
    for (int i = 0; i < legend->itemCount(); ++i) {
        if (const QCPAbstractLegendItem *item = legend->item(i))
            widths << item->minimumOuterSizeHint().width();
    }
    const int n = static_cast<int>(widths.size());
    const double spacing = legend->columnSpacing();
    for (int columns = n; columns > 1; --columns) {
        double total = -spacing;
        for (int c = 0; c < columns; ++c) {
            double widest = 0.0;
            for (int i = c; i < n; i += columns)
                widest = std::max(widest, widths[i]);
            total += widest + spacing;
        }
        if (total <= width - 8)
            return columns;
    }
    return 1;
}

/**
 * Puts the legend's items into `columns` columns. The wrap applies to elements added later, and re-adding
 * them into the old grid would fill the same cells again: the grid is emptied and shrunk first.
 */
void reflowLegend(QCPLegend *legend, int columns)
{
    legend->setWrap(columns);
    QList<QCPLayoutElement *> items;
    for (int i = 0; i < legend->elementCount(); ++i) {
        if (QCPLayoutElement *item = legend->takeAt(i))
            items << item;
    }
    legend->simplify();
    for (QCPLayoutElement *item : items)
        legend->addElement(item);
}

/** The width the legend's column of the top-level layout can have: the plot's, less the other columns. */
double legendRoom(QCustomPlot *plot)
{
    QCPLayoutGrid *top = plot->plotLayout();
    QCPLayoutElement *cell = plot->legend;
    while (cell && cell->layout() && cell->layout() != top)
        cell = cell->layout();
    double room = plot->viewport().width();
    for (int c = 0; c < top->columnCount(); ++c) {
        double widest = 0.0;
        bool holdsLegend = false;
        for (int r = 0; r < top->rowCount(); ++r) {
            if (QCPLayoutElement *e = top->element(r, c)) {
                holdsLegend = holdsLegend || e == cell;
                widest = std::max(widest, static_cast<double>(e->outerRect().width()));
            }
        }
        if (!holdsLegend)
            room -= widest;
    }
    return room;
}

void fit(QCustomPlot *plot)
{
    bool relayout = false;
    auto fitTicks = [&relayout](QCPAxis *axis) {
        if (!axis->visible() || !axis->tickLabels())
            return;
        const int count = fittingTickCount(axis);
        if (axis->ticker()->tickCount() != count) {
            axis->ticker()->setTickCount(count);
            relayout = true;
        }
    };
    for (QCPAxisRect *rect : plot->axisRects()) {
        for (QCPAxis *axis : rect->axes())
            fitTicks(axis);
    }
    for (QCPLayoutElement *element : plot->plotLayout()->elements(true)) {
        if (auto *scale = qobject_cast<QCPColorScale *>(element))
            fitTicks(scale->axis());
        if (auto *title = qobject_cast<QCPTextElement *>(element); title && title->property(kWrappedText).isValid()) {
            const QString text = figure::wrapText(
                title->property(kWrappedText).toString(), QFontMetricsF(title->font()), plot->viewport().width() - 8);
            if (text != title->text()) {
                title->setText(text);
                relayout = true;
            }
        }
    }
    if (plot->legend && plot->legend->visible()) {
        const int columns = fittingLegendColumns(plot->legend, legendRoom(plot));
        // The grid, not only the wrap: a wrap set after the items were added has not been applied to them.
        if (plot->legend->wrap() != columns || plot->legend->columnCount() > columns) {
            reflowLegend(plot->legend, columns);
            relayout = true;
        }
    }
    if (relayout) {
        // QCustomPlot::updateLayout() without its afterLayout signal, which would bring us back here.
        plot->plotLayout()->update(QCPLayoutElement::upPreparation);
        plot->plotLayout()->update(QCPLayoutElement::upMargins);
        plot->plotLayout()->update(QCPLayoutElement::upLayout);
    }
    // Titles last: they depend on the axis lengths the final layout gave.
    for (QCPAxisRect *rect : plot->axisRects()) {
        for (QCPAxis *axis : rect->axes())
            fitAxisTitle(axis);
    }
    for (QCPLayoutElement *element : plot->plotLayout()->elements(true)) {
        if (auto *scale = qobject_cast<QCPColorScale *>(element))
            fitAxisTitle(scale->axis());
    }
}

} // namespace

void keepReadable(QCustomPlot *plot)
{
    QObject::connect(plot, &QCustomPlot::afterLayout, plot, [plot] { fit(plot); });
}

void setAxisTitles(QCPAxis *axis, const QString &full, const QString &brief)
{
    axis->setProperty(kFullTitle, full);
    axis->setProperty(kBriefTitle, brief);
    axis->setLabel(full);
}

void setWrappedTitle(QCPTextElement *title, const QString &text)
{
    title->setProperty(kWrappedText, text);
    title->setText(text);
}

} // namespace dlm
