#include "ui/views/compare_plot.h"

#include "core/timeline/timeline_diff.h"
#include "ui/figures/color_maps.h"
#include "ui/views/plot_fitting.h"
#include "ui/views/plot_layout.h"
#include "ui/views/plot_theme.h"

#include <qcustomplot.h>

#include <algorithm>

namespace dlm {

ComparePlot::ComparePlot(QWidget *parent)
    : PlotView(parent)
{
    fillWithPlot(240, 160);
    m_plot->xAxis->setLabel(tr("record"));
    setAxisTitles(m_plot->yAxis, tr("masked positions"), tr("masked"));
    m_plot->yAxis2->setVisible(true);
    setAxisTitles(m_plot->yAxis2, tr("mean p of the tokens committed"), tr("mean p"));
    m_plot->yAxis2->setRange(0.0, 1.05);
    const QString names[2] = {tr("A"), tr("B")};
    const Qt::PenStyle lines[2] = {Qt::SolidLine, Qt::DashLine};
    const QCPScatterStyle::ScatterShape shapes[2] = {QCPScatterStyle::ssDisc, QCPScatterStyle::ssSquare};
    for (int i = 0; i < 2; ++i) {
        m_masked[i] = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
        m_masked[i]->setName(tr("%1: masked").arg(names[i]));
        m_masked[i]->setPen(QPen(colors::kOkabeBlue, 2.0, lines[i]));
        m_masked[i]->setScatterStyle(QCPScatterStyle(shapes[i], colors::kOkabeBlue, 5));
        m_confidence[i] = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
        m_confidence[i]->setName(tr("%1: mean p committed").arg(names[i]));
        m_confidence[i]->setPen(QPen(colors::kOkabeOrange, 1.5, lines[i]));
        m_confidence[i]->setScatterStyle(QCPScatterStyle(shapes[i], colors::kOkabeOrange, 5));
    }
    putLegendBelow(m_plot, 1, 2);
    m_divergence = new QCPItemStraightLine(m_plot);
    m_divergence->setPen(QPen(colors::kOkabeVermillion, 1.5, Qt::DotLine));
    m_divergence->setVisible(false);
    keepReadable(m_plot);
    followPalette();
}

void ComparePlot::setBranches(const Timeline &timeline, int a, int b, int divergence)
{
    const int ids[2] = {a, b};
    int longest = 1;
    double maxMasked = 1.0;
    for (int i = 0; i < 2; ++i) {
        const RunSeries s = runSeries(timeline.branch(ids[i]), timeline.model.maskId);
        QVector<double> keys, masked, confidence;
        for (size_t r = 0; r < s.masked.size(); ++r) {
            keys << static_cast<double>(r);
            masked << s.masked[r];
            confidence << s.meanConfidence[r]; // NaN breaks the line where a record committed nothing
            maxMasked = std::max(maxMasked, s.masked[r]);
        }
        longest = std::max(longest, static_cast<int>(s.masked.size()));
        m_masked[i]->setData(keys, masked, true);
        m_confidence[i]->setData(keys, confidence, true);
    }
    m_plot->xAxis->setRange(-0.5, longest - 0.5);
    m_plot->yAxis->setRange(0.0, maxMasked * 1.05);
    m_divergence->setVisible(divergence >= 0);
    m_divergence->point1->setCoords(divergence, 0.0);
    m_divergence->point2->setCoords(divergence, 1.0);
    requestReplot();
}

void ComparePlot::clear()
{
    for (int i = 0; i < 2; ++i) {
        m_masked[i]->data()->clear();
        m_confidence[i]->data()->clear();
    }
    m_divergence->setVisible(false);
    requestReplot();
}

std::vector<double> ComparePlot::maskedSeries(int which) const
{
    std::vector<double> out;
    for (auto it = m_masked[which]->data()->constBegin(); it != m_masked[which]->data()->constEnd(); ++it)
        out.push_back(it->value);
    return out;
}

} // namespace dlm
