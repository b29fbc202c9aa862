#pragma once
// Why these tokens and not others: the confidences of every position the sampler considered at one step,
// sorted as bars, with the sampler's cut drawn across them and every bar marked with its fate.

#include "ui/engine/engine_types.h"
#include "core/timeline/timeline.h"
#include "ui/figures/decision_figure.h"
#include "ui/views/plot_view.h"
#include "ui/views/timeline_view.h"

#include <vector>

class QCPBars;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;
class QMouseEvent;

namespace dlm {

/**
 * The remasking decision of the current record. Bars are sorted by confidence, most confident first; in
 * quota mode a vertical line falls after the quota-th bar, in threshold mode a horizontal line marks tau.
 * Committed bars are solid, remasked bars hatched (colour is never the only cue). Dream's steps draw the line
 * after k (the schedule's count) and say t -> s; origin's independent reveals have no cut.
 */
class DecisionChart : public PlotView, public TimelineView
{
    Q_OBJECT

public:
    /** What the step did with a considered position. Kept: neither committed nor remasked (locked). */
    using Fate = RemaskDecision::Fate;
    using CutMode = RemaskDecision::CutMode;

    explicit DecisionChart(QWidget *parent = nullptr);

    /** Takes branch `branchId` of `timeline`; record pointers are shared, so the timeline may change later. */
    void setTimelineBranch(const Timeline &timeline, int branchId);
    void clear();

    int currentIndex() const { return m_current; }
    int barCount() const { return static_cast<int>(m_decision.bars.size()); }
    int committedCount() const;
    int remaskedCount() const;
    /** Canvas position, confidence and fate of bar `bar` (0 = most confident). */
    int barPosition(int bar) const { return m_decision.bars.at(static_cast<size_t>(bar)).position; }
    double barValue(int bar) const { return m_decision.bars.at(static_cast<size_t>(bar)).confidence; }
    Fate barFate(int bar) const { return m_decision.bars.at(static_cast<size_t>(bar)).fate; }
    /** Bars drawn by the plot for one fate (checks the drawing agrees with barFate()). */
    int drawnBarCount(Fate fate) const;

    CutMode cutMode() const { return m_decision.cutMode; }
    /** Bars left of the quota line (the quota, at most barCount()); -1 unless in quota mode. */
    int quotaCut() const;
    /** Tau; NaN unless in threshold mode. */
    double thresholdCut() const;
    /** Where the cut line is drawn: its x in quota mode, its y in threshold mode; NaN without a cut. */
    double cutLineCoordinate() const;

    /** The bar under `pixel` (plot() coordinates), or -1. */
    int barAt(const QPointF &pixel) const;
    /** Hover text for a bar: position, piece, confidence, fate. */
    QString barDetails(int bar) const;
    /** The one-line summary shown above the bars. */
    QString summary() const;

    // TimelineView: ViewSync keeps the view on the document's branch, record and selection.
    void showBranch(const TimelineDocument &document) override;
    void showCursor(const TimelineDocument &document) override;
    void connectTo(ViewSync &sync) override;

public Q_SLOTS:
    void setCurrentIndex(int index);

Q_SIGNALS:
    /** A user clicked a bar: ViewSync selects that position in every view. */
    void positionClicked(int position);

private:
    void rebuild();
    void plotMousePress(QMouseEvent *event) override;
    void plotMouseMove(QMouseEvent *event) override;
    QCPBars *barsFor(Fate fate) const;

    QCPTextElement *m_title = nullptr;
    QCPBars *m_committedBars = nullptr;
    QCPBars *m_remaskedBars = nullptr;
    QCPBars *m_keptBars = nullptr;
    QCPItemStraightLine *m_cutLine = nullptr;
    QCPItemText *m_cutLabel = nullptr;

    std::vector<RecordPtr> m_records;
    GenerationSettings m_settings;
    Timeline m_pieceTable; ///< only `pieces` is filled, so Timeline::pieceOf serves the lookups
    int m_current = -1;
    RemaskDecision m_decision; ///< bars, cut and summary of the current record (remaskDecision)
};

} // namespace dlm
