#include "ui/views/legend_tips.h"

#include "ui/text/glossary_text.h"
#include "ui/views/heatmap_view.h"

#include <qcustomplot.h>

#include <QHelpEvent>
#include <QToolTip>

namespace dlm {

HeatmapLegendTips::HeatmapLegendTips(QObject *parent)
    : QObject(parent)
{
}

HeatmapLegendTips *HeatmapLegendTips::install(HeatmapView *view)
{
    auto *tips = new HeatmapLegendTips(view);
    view->plot()->installEventFilter(tips);
    return tips;
}

QString HeatmapLegendTips::toolTipForKey(const QString &name)
{
    // The heatmap names its keys with HeatmapView::tr, so the names are compared in the same language.
    const std::pair<const char *, const char *> keys[]
        = {{"committed here", "legend.committedHere"}, {"block boundary", "legend.blockBoundary"},
            {"current step", "legend.currentStep"}, {"no prediction", "legend.noPrediction"}};
    for (const auto &[shown, key] : keys) {
        if (name == HeatmapView::tr(shown))
            return helpText(QLatin1String(key));
    }
    return {};
}

QString HeatmapLegendTips::toolTipAt(QCustomPlot *plot, const QPoint &pos)
{
    if (QCPLegend *legend = plot->legend; legend && legend->visible()) {
        for (int i = 0; i < legend->itemCount(); ++i) {
            auto *item = qobject_cast<QCPPlottableLegendItem *>(legend->item(i));
            if (item && item->realVisibility() && item->outerRect().contains(pos))
                return toolTipForKey(item->plottable()->name());
        }
    }
    if (qobject_cast<QCPColorScale *>(plot->layoutElementAt(pos)))
        return helpText(QStringLiteral("legend.heatmapScale"));
    // The scale's own axis (ticks and title) sits in the scale's outer margin.
    for (QCPLayoutElement *e : plot->plotLayout()->elements(true)) {
        if (auto *scale = qobject_cast<QCPColorScale *>(e); scale && scale->outerRect().contains(pos))
            return helpText(QStringLiteral("legend.heatmapScale"));
    }
    return {};
}

bool HeatmapLegendTips::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *plot = qobject_cast<QCustomPlot *>(watched);
        auto *help = static_cast<QHelpEvent *>(event);
        const QString tip = plot ? toolTipAt(plot, help->pos()) : QString();
        if (!tip.isEmpty()) {
            QToolTip::showText(help->globalPos(), tip, plot);
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace dlm
