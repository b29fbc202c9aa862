#include "ui/views/plot_view.h"

#include "ui/views/plot_layout.h"
#include "ui/views/plot_theme.h"

#include <qcustomplot.h>

namespace dlm {

PlotView::PlotView(QWidget *parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent *event) { plotMousePress(event); });
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent *event) { plotMouseMove(event); });
}

void PlotView::fillWithPlot(int minWidth, int minHeight)
{
    dlm::fillWithPlot(this, m_plot, minWidth, minHeight);
}

void PlotView::followPalette()
{
    dlm::followPalette(m_plot);
}

void PlotView::requestReplot()
{
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotView::plotMousePress(QMouseEvent *) { }

void PlotView::plotMouseMove(QMouseEvent *) { }

} // namespace dlm
