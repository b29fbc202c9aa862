#pragma once
// The run at a glance: how many positions are still masked, how many tokens each step committed and how
// sure the model was about them, one small chart each over the same record axis.

#include "ui/engine/engine_types.h"
#include "core/timeline/timeline.h"
#include "ui/views/plot_view.h"
#include "ui/views/timeline_view.h"

#include <vector>

class QCPAxisRect;
class QCPBars;
class QCPGraph;
class QCPItemStraightLine;
class QMouseEvent;

namespace dlm {

/**
 * Three stacked charts sharing the x axis (record index): masked count after each record, tokens committed
 * by each record, and the mean confidence of those tokens (a gap where a record committed none). The
 * current record is marked by a line through all three.
 */
class RunPlots : public PlotView, public TimelineView
{
    Q_OBJECT

public:
    explicit RunPlots(QWidget *parent = nullptr);

    /** Takes branch `branchId` of `timeline`; record pointers are shared, so the timeline may change later. */
    void setTimelineBranch(const Timeline &timeline, int branchId);
    void clear();

    int currentIndex() const { return m_current; }
    int recordCount() const { return static_cast<int>(m_records.size()); }

    /** The series as plotted, one entry per record (mean confidence is NaN where nothing was committed). */
    std::vector<double> maskedSeries() const;
    std::vector<double> committedSeries() const;
    std::vector<double> meanConfidenceSeries() const;
    /** Where the current-record line is drawn (its x), NaN when hidden. */
    double currentLineX() const;
    /** The x axis ranges of the three charts agree (they must, or the charts would not line up). */
    bool axesAligned() const;

    /** The record under `pixel` (plot() coordinates) in any of the charts, or -1. */
    int recordAt(const QPointF &pixel) const;

    // TimelineView: ViewSync keeps the view on the document's branch, record and selection.
    void showBranch(const TimelineDocument &document) override;
    void showCursor(const TimelineDocument &document) override;
    void connectTo(ViewSync &sync) override;

public Q_SLOTS:
    void setCurrentIndex(int index);

Q_SIGNALS:
    /** A user clicked a chart: ViewSync shows that record. */
    void recordClicked(int index);

private:
    void rebuild();
    void updateCurrentLines();
    QCPAxisRect *addChart(int row, const QString &title);
    void plotMousePress(QMouseEvent *event) override;
    void plotMouseMove(QMouseEvent *event) override;
    QString recordDetails(int index) const;

    std::vector<QCPAxisRect *> m_rects;
    std::vector<QCPItemStraightLine *> m_currentLines;
    QCPGraph *m_masked = nullptr;
    QCPBars *m_committed = nullptr;
    QCPGraph *m_meanConfidence = nullptr;

    std::vector<RecordPtr> m_records;
    GenerationSettings m_settings;
    int32_t m_maskId = -1;
    int m_current = -1;
};

} // namespace dlm
