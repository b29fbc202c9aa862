#pragma once
// Plain-words tooltips for the heatmap's legend keys and colour bar, read from the one table of help words
// (ui/text/glossary_text), installed by the window (not by the heatmap, which stays a view of the records).

#include <QObject>
#include <QPoint>
#include <QString>

class QCustomPlot;

namespace dlm {

class HeatmapView;

/** Shows a tooltip for each legend key and the colour bar of a HeatmapView's plot. */
class HeatmapLegendTips : public QObject
{
    Q_OBJECT

public:
    /** Installs itself on `view`'s plot; owned by `view`. */
    static HeatmapLegendTips *install(HeatmapView *view);

    /** The tooltip for what is drawn at `pos` (plot coordinates): a legend key or the colour bar; else empty. */
    static QString toolTipAt(QCustomPlot *plot, const QPoint &pos);
    /** The tooltip for a legend key named `name` (as the heatmap names it); empty for an unknown key. */
    static QString toolTipForKey(const QString &name);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit HeatmapLegendTips(QObject *parent);
};

} // namespace dlm
