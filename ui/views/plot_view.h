#pragma once
// The base of every chart view: the QCustomPlot it draws on, with the setup they all share.

#include <QWidget>

class QCustomPlot;
class QMouseEvent;

namespace dlm {

/**
 * Owns the view's QCustomPlot and does what every chart view does with it: fills the view (or lets the
 * view place it), hands the plot's mouse presses and moves to the view, follows the palette once every item
 * exists, and queues replots so the many changes of one step paint once.
 */
class PlotView : public QWidget
{
    Q_OBJECT

public:
    QCustomPlot *plot() const { return m_plot; }

protected:
    explicit PlotView(QWidget *parent = nullptr);

    /** The plot fills the view edge to edge, at least `minWidth` x `minHeight` (plot_layout.h). */
    void fillWithPlot(int minWidth, int minHeight);
    /**
     * Last in a view's constructor, once every item exists: colours the plot and the items marked as ink
     * from the palette, now and at every theme change (plot_theme.h).
     */
    void followPalette();
    /** Replots once the event loop runs: many setters may run per step, the plot paints once. */
    void requestReplot();

    /** A press or move of the mouse on the plot (plot coordinates); nothing by default. */
    virtual void plotMousePress(QMouseEvent *event);
    virtual void plotMouseMove(QMouseEvent *event);

    QCustomPlot *const m_plot;
};

} // namespace dlm
