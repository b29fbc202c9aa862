#include "ui/views/plot_layout.h"

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
}

void putLegendBelow(QCustomPlot *plot, int row, int bottomMargin)
{
    auto *legendRow = new QCPLayoutGrid;
    plot->plotLayout()->addElement(row, 0, legendRow);
    legendRow->setMargins(QMargins(0, 0, 0, bottomMargin));
    legendRow->addElement(0, 0, plot->legend);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setVisible(true);
    plot->plotLayout()->setRowStretchFactor(row, 0.001);
}

} // namespace dlm
