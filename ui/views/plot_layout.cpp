#include "ui/views/plot_layout.h"

#include "ui/views/plot_fitting.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace dlm {

void fillWithPlot(QWidget *owner, QCustomPlot *plot, int minWidth, int minHeight)
{
    auto *layout = new QVBoxLayout(owner);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot);
    plot->setMouseTracking(true);
    plot->setMinimumSize(minWidth, minHeight);
    keepReadable(plot);
}

void putLegendBelow(QCustomPlot *plot, int row, int bottomMargin)
{
    auto *legendRow = new QCPLayoutGrid;
    plot->plotLayout()->addElement(row, 0, legendRow);
    legendRow->setMargins(QMargins(0, 0, 0, bottomMargin));
    legendRow->addElement(0, 0, plot->legend);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setBorderPen(Qt::NoPen);
    // Smaller keys than QCustomPlot's 32x18 leave room for two entries side by side in a narrow dock.
    plot->legend->setIconSize(22, 12);
    plot->legend->setVisible(true);
    plot->plotLayout()->setRowStretchFactor(row, 0.001);
}

QSharedPointer<QCPAxisTickerFixed> integerTicker()
{
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    return ticker;
}

} // namespace dlm
